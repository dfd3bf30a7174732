package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"agent/app/account"
	"agent/app/config"
)

type healthBody struct {
	Status, Database string
	Disk             struct {
		FreeBytes    uint64 `json:"free_bytes"`
		MinFreeBytes uint64 `json:"min_free_bytes"`
		Low, Full    bool
	}
}

func (e *env) health() (int, healthBody) {
	e.t.Helper()
	res := e.browser().get("/healthz")
	var h healthBody
	if err := json.Unmarshal([]byte(res.body), &h); err != nil {
		e.t.Fatalf("healthz %d %q: %v", res.status, res.body, err)
	}
	return res.status, h
}

// TestHealthDatabaseWrite: a database that answers queries but takes no writes is not
// healthy.
func TestHealthDatabaseWrite(t *testing.T) {
	e := newEnv(t, nil)
	if status, h := e.health(); status != http.StatusOK || h.Status != "ok" || h.Database != "ok" {
		t.Fatalf("healthy: %d %+v", status, h)
	}
	// The writer is one connection: make it refuse writes, as a read-only file or a full
	// disk would.
	if _, err := e.db.Write.Exec("PRAGMA query_only = ON"); err != nil {
		t.Fatal(err)
	}
	defer e.db.Write.Exec("PRAGMA query_only = OFF")
	if status, h := e.health(); status != http.StatusServiceUnavailable || h.Status != "error" || !strings.HasPrefix(h.Database, "error: ") {
		t.Errorf("writes failing: %d %+v", status, h)
	}
}

// TestHealthDiskSpace: /healthz reports the disk's free space, warns below
// server.min_free_mb and fails when the disk is full; owners and admins see the warning
// on every admin page, agents do not.
func TestHealthDiskSpace(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.Server.MinFreeMB = 500 })
	e.setupOwner()
	if _, _, err := e.accounts.AddMember(context.Background(), e.wsID, account.NewUser{Email: "ann@example.com", Name: "Ann",
		Password: "ann password"}, account.RoleAgent, false); err != nil {
		t.Fatal(err)
	}
	owner, agent := e.ownerBrowser(), e.browser()
	if res := agent.login("ann@example.com", "ann password"); res.status != http.StatusOK {
		t.Fatalf("agent login: %d", res.status)
	}
	banner := `data-testid="install-warning"`

	tests := []struct {
		name        string
		free        uint64
		status      int
		want        string // healthz status
		low, full   bool
		ownerBanner bool
	}{
		{"plenty", 10 << 30, http.StatusOK, "ok", false, false, false},
		{"low", 120 << 20, http.StatusOK, "warning", true, false, true},
		{"full", 4 << 10, http.StatusServiceUnavailable, "error", true, true, true},
		{"freed", 600 << 20, http.StatusOK, "ok", false, false, false},
	}
	for _, tc := range tests {
		e.freeSpace.Store(tc.free)
		// /healthz looks afresh, and the admin's pages then use what it saw.
		status, h := e.health()
		if status != tc.status || h.Status != tc.want || h.Disk.FreeBytes != tc.free || h.Disk.MinFreeBytes != 500<<20 ||
			h.Disk.Low != tc.low || h.Disk.Full != tc.full {
			t.Errorf("%s: healthz %d %+v", tc.name, status, h)
		}
		res := owner.get(e.path("inbox"))
		if strings.Contains(res.body, banner) != tc.ownerBanner {
			t.Errorf("%s: the owner's page shows the warning: %v, want %v", tc.name, !tc.ownerBanner, tc.ownerBanner)
		}
		if tc.ownerBanner && !strings.Contains(res.body, "has 120 MB free, less than the 500 MB set in server.min_free_mb") &&
			!strings.Contains(res.body, "has 0 MB free") {
			t.Errorf("%s: the warning does not say how much is left", tc.name)
		}
		if res := agent.get(e.path("inbox")); res.status != http.StatusOK || strings.Contains(res.body, banner) {
			t.Errorf("%s: an agent's page (%d) shows the disk warning", tc.name, res.status)
		}
	}
}
