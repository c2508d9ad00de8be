# syntax=docker/dockerfile:1
# forgegraph: a static binary on distroless (CA certificates and tzdata included, no shell), run as
# the non-root user 65532. Build: docker build -t forgegraph . — run: docker run -p 8080:8080 forgegraph
# (with no configuration it serves the embedded demo data).

FROM golang:1.26 AS build
WORKDIR /src
ENV CGO_ENABLED=0
# Modules first, so a source change does not download them again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -mod=readonly -trimpath -ldflags "-s -w" -o /out/forgegraph .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/forgegraph /usr/local/bin/forgegraph
USER 65532:65532
EXPOSE 8080
# Health: GET /healthz (200 "ok"). Distroless has no shell or curl for a HEALTHCHECK; orchestrators
# probe /healthz over HTTP (see deploy/kubernetes).
ENTRYPOINT ["/usr/local/bin/forgegraph"]
