// Package wire holds what every forge package reads off the wire the same way: Link headers
// (links.go), the forges' time formats (time.go) and the loop that reads a whole list page by page
// with one stop rule (readall.go). It imports only the standard library, the domain package
// providers and the Link header parser; the forge packages use it instead of keeping copies.
package wire
