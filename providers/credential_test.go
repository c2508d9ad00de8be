package providers_test

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/forgegraph/forgegraph/providers"
)

// HashToken is keyed by the server secret: two servers with different secrets hash a token
// differently (someone who reads the cache's keys cannot confirm a guessed token without the
// secret), replicas with the same secret hash it the same way, and the hash is neither the token
// nor its bare SHA-256.
func TestHashTokenKeyedBySecret(t *testing.T) {
	restore := providers.SetCredentialSecret([]byte("secret-a"))
	defer restore()
	a := providers.HashToken("ghp_token")
	providers.SetCredentialSecret([]byte("secret-b"))
	b := providers.HashToken("ghp_token")
	providers.SetCredentialSecret([]byte("secret-a"))
	again := providers.HashToken("ghp_token")
	if a == b {
		t.Fatalf("the same hash %s under two secrets", a)
	}
	if a != again {
		t.Fatalf("the same secret hashes the token as %s, then %s", a, again)
	}
	if a == providers.HashToken("ghp_other") {
		t.Fatal("two tokens hash the same")
	}
	for _, bare := range []string{"ghp_token", "forgegraph-credential\x00ghp_token"} {
		sum := sha256.Sum256([]byte(bare))
		if strings.HasPrefix(hex.EncodeToString(sum[:]), a) {
			t.Fatalf("the hash is the bare SHA-256 of %q", bare)
		}
	}
	if strings.Contains(a, "ghp_token") || len(a) != 32 {
		t.Fatalf("hash %q", a)
	}
	if providers.HashToken("") != "" {
		t.Fatal("no token must hash to \"\"")
	}
	// An empty secret keeps the key in place.
	providers.SetCredentialSecret(nil)
	if providers.HashToken("ghp_token") != a {
		t.Fatal("an empty secret changed the key")
	}
}
