// Package ids turns the integer keys used inside the product into the short opaque IDs
// that appear in URLs (sqids), and back. Only the HTTP edge and the views use it.
//
// Each install encodes over an alphabet of its own (Setup), so that an ID says nothing
// about the keys of another install, and the first visitor or workspace of every install
// does not share one ID. A process that never calls Setup (tests) uses the fixed
// alphabet installs had before, which upgraded installs also keep decoding.
package ids

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"math/big"
	"sync/atomic"

	"github.com/sqids/sqids-go"
)

// legacyAlphabet is the fixed shuffle every install used before alphabets were per
// install: installs that gave out links with it keep decoding them.
const legacyAlphabet = "kQ3mTzR8vXbN2cLh7WgFs9JdPqY5tMxB4nKwHr6CyVfZ1jGpDe0aSuEo8iL"

// minLength keeps IDs from looking like small counters.
const minLength = 6

// codec is the process's encoding: its alphabet, the legacy one it also decodes (nil:
// none), and a cache of recent encodings.
type codec struct {
	alphabet string
	sq       *sqids.Sqids
	legacy   *sqids.Sqids
	// encoded holds recent encodings, one slot per id modulo its size: sqids shuffles the
	// alphabet and checks its blocklist on every Encode (microseconds), and a page of the
	// inbox encodes the same few hundred ids on each request.
	encoded [4096]atomic.Pointer[encoding]
}

type encoding struct {
	id int64
	s  string
}

var current atomic.Pointer[codec]

func init() {
	c, err := newCodec(legacyAlphabet, false)
	if err != nil {
		panic("ids: " + err.Error())
	}
	current.Store(c)
}

func newCodec(alphabet string, keepLegacy bool) (*codec, error) {
	alphabet = dedupe(alphabet)
	sq, err := sqids.New(sqids.Options{Alphabet: alphabet, MinLength: minLength})
	if err != nil {
		return nil, err
	}
	c := &codec{alphabet: alphabet, sq: sq}
	if keepLegacy && alphabet != dedupe(legacyAlphabet) {
		if c.legacy, err = sqids.New(sqids.Options{Alphabet: dedupe(legacyAlphabet), MinLength: minLength}); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// use makes alphabet the process's encoding from now on.
func use(alphabet string, keepLegacy bool) error {
	c, err := newCodec(alphabet, keepLegacy)
	if err != nil {
		return err
	}
	current.Store(c)
	return nil
}

// dedupe keeps the first of each character.
func dedupe(s string) string {
	seen := map[rune]bool{}
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if !seen[r] {
			seen[r] = true
			out = append(out, r)
		}
	}
	return string(out)
}

// letters are those of sqids' default alphabet: URL-safe, case-sensitive.
const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// NewAlphabet is a random shuffle of letters, for a new install.
func NewAlphabet() string {
	a := []byte(letters)
	for i := len(a) - 1; i > 0; i-- {
		j, err := rand.Int(rand.Reader, big.NewInt(int64(i+1)))
		if err != nil {
			panic("ids: random: " + err.Error()) // crypto/rand does not fail on supported systems
		}
		a[i], a[j.Int64()] = a[j.Int64()], a[i]
	}
	return string(a)
}

// Encode returns the public ID for a positive integer key.
func Encode(id int64) string {
	return current.Load().encode(id)
}

func (c *codec) encode(id int64) string {
	if id <= 0 {
		return ""
	}
	slot := &c.encoded[uint64(id)%uint64(len(c.encoded))]
	if e := slot.Load(); e != nil && e.id == id {
		return e.s
	}
	s, err := c.sq.Encode([]uint64{uint64(id)})
	if err != nil {
		// Only reachable for numbers sqids cannot encode; keys are small positive ints.
		panic("ids: encode: " + err.Error())
	}
	slot.Store(&encoding{id: id, s: s})
	return s
}

// Decode returns the integer key for a public ID. It accepts only the canonical form,
// so each key has exactly one ID (and, on an upgraded install, its legacy one too);
// anything else reports false (and becomes a 404).
func Decode(s string) (int64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	c := current.Load()
	if id, ok := canonical(c.sq, s); ok {
		return id, true
	}
	if c.legacy != nil {
		return canonical(c.legacy, s)
	}
	return 0, false
}

// canonical decodes s with sq when s is exactly the encoding of one key.
func canonical(sq *sqids.Sqids, s string) (int64, bool) {
	nums := sq.Decode(s)
	if len(nums) != 1 || nums[0] == 0 || nums[0] > 1<<62 {
		return 0, false
	}
	again, err := sq.Encode(nums)
	if err != nil || again != s {
		return 0, false
	}
	return int64(nums[0]), true
}

// pseudonymLetters are those a person reads without mistaking one for another.
const pseudonymLetters = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

// Pseudonym is a short name for a key that neither reveals it nor follows its order (a
// keyed hash, the key being the install's alphabet), such as the "4KX9QM" of "Visitor
// 4KX9QM". Two keys may share one, rarely: it names, it does not identify.
func Pseudonym(id int64) string {
	c := current.Load()
	mac := hmac.New(sha256.New, []byte("pseudonym:"+c.alphabet))
	var b [8]byte
	for i := range b {
		b[i] = byte(uint64(id) >> (8 * i))
	}
	mac.Write(b[:])
	sum := mac.Sum(nil)
	out := make([]byte, 6)
	for i := range out {
		out[i] = pseudonymLetters[int(sum[i])%len(pseudonymLetters)]
	}
	return string(out)
}
