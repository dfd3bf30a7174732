package web_test

import (
	"strings"
	"testing"
)

// A model that is down is logged once, not on every Agents or Preview page view (an error
// that changes is logged again).
func TestModelDownLoggedOnce(t *testing.T) {
	e := newEnv(t, nil)
	e.setupOwner()
	b := e.ownerBrowser()
	a := e.createAgent("Ava")
	e.ollama.Down()
	for range 3 {
		b.get(e.path("agents"))
		b.get(e.agentPath(a, "preview"))
	}
	if n := strings.Count(e.logs.String(), "language model unavailable"); n != 1 {
		t.Errorf("logged %d times, want once:\n%s", n, e.logs.String())
	}
}
