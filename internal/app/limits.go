package app

import (
	"time"

	"github.com/forgegraph/forgegraph/providers/rest"
)

// maxRateReset bounds how far ahead a stored rate-limit reset may be for the state to be believed.
// Forges reset their quotas within an hour (GitHub and Bitbucket hourly, GitLab within a minute), and
// the clients keep the state no longer than that and a margin.
const maxRateReset = time.Hour

// rateCheck returns the check (cache.Checked) of rate-limit state read from a cache that replicas
// share unsealed (Redis): a state that no forge sends is ignored, so a poisoned or corrupt entry
// cannot lock a source out, nor show nonsense in Viewer.rateLimit. Ignored (a miss) are: a reset more
// than maxRateReset ahead of now (a reset a year ahead would answer RATE_LIMITED for a year; it is
// not clamped to now+maxRateReset, since every read would clamp it again and the lock-out would last
// as long as the entry), a negative limit, a remaining count below -1 (-1 is "not reported") or above
// a known limit. now is time.Now but for tests.
func rateCheck(now func() time.Time) func(rest.Rate) (rest.Rate, bool) {
	return func(r rest.Rate) (rest.Rate, bool) {
		switch {
		case !r.Known:
			return r, true
		case r.Reset.After(now().Add(maxRateReset)),
			r.Limit < 0, r.Remaining < -1, r.Limit > 0 && r.Remaining > r.Limit:
			return rest.Rate{}, false
		}
		return r, true
	}
}
