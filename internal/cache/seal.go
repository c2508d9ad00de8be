package cache

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
)

// sealSalt is the HKDF salt of the keys that seal a user's values.
const sealSalt = "forgegraph-cache-v1"

// sealed is the first byte of a sealed value (JSON never starts with it).
const sealed byte = 1

// sealer returns the AEAD sealing the value of Redis key k under secret.
func sealer(secret, k string) (cipher.AEAD, error) {
	key, err := hkdf.Key(sha256.New, []byte(secret), []byte(sealSalt), k, 32)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// encode returns v as JSON, sealed when secret is not empty: 0x01, nonce, ciphertext (key as
// associated data).
func encode[V any](secret, k string, v V) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || secret == "" {
		return b, err
	}
	aead, err := sealer(secret, k)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(b)+aead.Overhead())
	out[0] = sealed
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return aead.Seal(out, out[1:], b, []byte(k)), nil
}

// decode reads what encode wrote. A sealed value needs the secret it was sealed under; a plain value
// is refused when a secret is given (a user's data is always sealed).
func decode[V any](secret, k string, b []byte) (V, error) {
	var v V
	isSealed := len(b) > 0 && b[0] == sealed
	switch {
	case secret == "" && isSealed:
		return v, errNoSecret
	case secret != "" && !isSealed:
		return v, errors.New("cache: unsealed value where a sealed one belongs")
	case secret != "":
		aead, err := sealer(secret, k)
		if err != nil {
			return v, err
		}
		if len(b) < 1+aead.NonceSize()+aead.Overhead() {
			return v, errors.New("cache: sealed value too short")
		}
		nonce := b[1 : 1+aead.NonceSize()]
		if b, err = aead.Open(nil, nonce, b[1+aead.NonceSize():], []byte(k)); err != nil {
			return v, errors.New("cache: sealed value does not open with this credential")
		}
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return v, fmt.Errorf("cache: stored value: %w", err)
	}
	return v, nil
}
