package apifytest

import (
	"crypto/sha256"
	"encoding/base64"
	"math/rand/v2"
	"strings"
)

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// idGenerator makes 17-character alphanumeric IDs like the platform's, from a
// seeded generator. Callers hold Server.mu.
type idGenerator struct{ rnd *rand.Rand }

func newIDGenerator(seed uint64) *idGenerator {
	return &idGenerator{rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

func (g *idGenerator) next() string {
	var b [17]byte
	for i := range b {
		b[i] = idAlphabet[g.rnd.IntN(len(idAlphabet))]
	}
	return string(b[:])
}

// requestID derives a request's ID from its unique key as the platform does:
// the first 15 alphanumeric characters of the base64 SHA-256 of the key.
func requestID(uniqueKey string) string {
	sum := sha256.Sum256([]byte(uniqueKey))
	enc := base64.StdEncoding.EncodeToString(sum[:])
	enc = strings.NewReplacer("+", "", "/", "", "=", "").Replace(enc)
	return enc[:15]
}
