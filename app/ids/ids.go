// Package ids turns the integer keys used inside the product into the short opaque IDs
// that appear in URLs (sqids), and back. Only the HTTP edge and the views use it.
package ids

import (
	"sync/atomic"

	"github.com/sqids/sqids-go"
)

// alphabet is a fixed shuffle of sqids' default alphabet, so that IDs here do not match
// those of every other sqids user; changing it would break every stored link.
const alphabet = "kQ3mTzR8vXbN2cLh7WgFs9JdPqY5tMxB4nKwHr6CyVfZ1jGpDe0aSuEo8iL"

var codec = mustCodec()

func mustCodec() *sqids.Sqids {
	s, err := sqids.New(sqids.Options{Alphabet: dedupe(alphabet), MinLength: 6})
	if err != nil {
		panic("ids: " + err.Error())
	}
	return s
}

// dedupe keeps the first of each character, so the alphabet constant can be edited freely.
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

// encoded holds recent encodings, one slot per id modulo its size: sqids shuffles the
// alphabet and checks its blocklist on every Encode (microseconds), and a page of the
// inbox encodes the same few hundred ids on each request.
var encoded [4096]atomic.Pointer[encoding]

type encoding struct {
	id int64
	s  string
}

// Encode returns the public ID for a positive integer key.
func Encode(id int64) string {
	if id <= 0 {
		return ""
	}
	slot := &encoded[uint64(id)%uint64(len(encoded))]
	if e := slot.Load(); e != nil && e.id == id {
		return e.s
	}
	s, err := codec.Encode([]uint64{uint64(id)})
	if err != nil {
		// Only reachable for numbers sqids cannot encode; keys are small positive ints.
		panic("ids: encode: " + err.Error())
	}
	slot.Store(&encoding{id: id, s: s})
	return s
}

// Decode returns the integer key for a public ID. It accepts only the canonical form,
// so each key has exactly one ID; anything else reports false (and becomes a 404).
func Decode(s string) (int64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	nums := codec.Decode(s)
	if len(nums) != 1 || nums[0] == 0 || nums[0] > 1<<62 {
		return 0, false
	}
	id := int64(nums[0])
	if Encode(id) != s {
		return 0, false
	}
	return id, true
}
