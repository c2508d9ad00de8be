package providers

import (
	"crypto/cipher"
	"encoding/base64"
	"encoding/binary"
	"math/rand/v2"
	"testing"
)

// referenceEncode is the cursor encoding as first written (a buffer per step), kept to check that
// the pooled encode writes the same text: a cursor's spelling is canonical.
func referenceEncode(k *Codec, args, creds uint32, c Cursor) string {
	plain := binary.BigEndian.AppendUint32(nil, args)
	plain = binary.BigEndian.AppendUint32(plain, creds)
	plain = binary.AppendVarint(plain, int64(c.Edge))
	plain = binary.AppendUvarint(plain, uint64(len(c.Marks)))
	for _, m := range c.Marks {
		plain = binary.BigEndian.AppendUint32(plain, m.Stream)
		plain = binary.AppendUvarint(plain, uint64(m.Pos))
		plain = binary.BigEndian.AppendUint32(plain, m.Anchor)
		plain = binary.BigEndian.AppendUint32(plain, m.Anchor2)
		plain = binary.AppendVarint(plain, m.Key)
		tie := m.Tie[:min(len(m.Tie), maxTieLen)]
		plain = binary.AppendUvarint(plain, uint64(len(tie)))
		plain = append(plain, tie...)
	}
	out := make([]byte, 1+tagLen+len(plain))
	out[0] = cursorVersion
	copy(out[1:], k.mac([]byte{cursorVersion}, plain))
	cipher.NewCTR(k.block, out[1:1+tagLen]).XORKeyStream(out[1+tagLen:], plain)
	return base64.RawURLEncoding.EncodeToString(out)
}

// TestEncodeIsCanonical: encode (pooled buffers, shared between goroutines) writes exactly the
// reference encoding, and Decode reads back what was encoded, for random cursors of 0 to 300 marks.
func TestEncodeIsCanonical(t *testing.T) {
	k := NewCodec([]byte("secret"))
	rng := rand.New(rand.NewPCG(3, 4))
	b := Binding{Args: "args", Credentials: "creds"}
	args, creds := argsDigest(b.Args), k.credentialsDigest(b.Credentials)
	for range 500 {
		c := Cursor{Edge: rng.IntN(40) - 1}
		for range rng.IntN(300) {
			tie := make([]byte, rng.IntN(60))
			for i := range tie {
				tie[i] = byte(rng.IntN(256))
			}
			c.Marks = append(c.Marks, Mark{Stream: rng.Uint32(), Pos: rng.IntN(1 << 20), Anchor: rng.Uint32(), Anchor2: rng.Uint32(), Key: rng.Int64() - rng.Int64(), Tie: string(tie)})
		}
		got, want := k.encode(args, creds, c), referenceEncode(k, args, creds, c)
		if got != want {
			t.Fatalf("encode wrote %q, the reference %q", got, want)
		}
		if c.Edge < len(c.Marks) && len(c.Marks) <= MaxStreams {
			if _, err := k.Decode(b, got); err != nil {
				t.Fatalf("Decode(encode(c)): %v", err)
			}
		}
	}
}
