package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// mutationCounters holds forgegraph_mutations_total per Metrics, registered on first use so that
// Metrics' constructor stays as it is.
var mutationCounters sync.Map // *Metrics -> *prometheus.CounterVec

// Mutation records one mutation as forgegraph_mutations_total{source, operation, outcome}:
// operation is createRepository, updateRepository or deleteRepository; outcome is "ok", "replayed"
// (answered from a clientMutationId) or the error code (FORBIDDEN, CONFLICT, ...). A nil m records
// nothing.
func (m *Metrics) Mutation(source, operation, outcome string) {
	if m == nil {
		return
	}
	v, ok := mutationCounters.Load(m)
	if !ok {
		c := prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "forgegraph_mutations_total",
			Help: "Mutations by source, operation and outcome (ok, replayed or the error code).",
		}, []string{"source", "operation", "outcome"})
		var loaded bool
		if v, loaded = mutationCounters.LoadOrStore(m, c); !loaded {
			m.Registry.MustRegister(c)
		}
	}
	v.(*prometheus.CounterVec).WithLabelValues(source, operation, outcome).Inc()
}
