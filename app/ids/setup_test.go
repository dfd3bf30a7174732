package ids

import (
	"context"
	"testing"

	"agent/app/store"
)

// restore puts the process's encoding back as the other tests expect it.
func restore(t *testing.T) {
	t.Cleanup(func() {
		if err := use(legacyAlphabet, false); err != nil {
			t.Fatal(err)
		}
	})
}

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Two installs encode the first key differently; each keeps its alphabet across starts.
func TestSetupAlphabetPerInstall(t *testing.T) {
	restore(t)
	ctx := context.Background()
	a, b := openDB(t), openDB(t)
	if err := Setup(ctx, a); err != nil {
		t.Fatal(err)
	}
	first, name := Encode(1), Pseudonym(1)
	if err := Setup(ctx, b); err != nil {
		t.Fatal(err)
	}
	if Encode(1) == first {
		t.Errorf("two installs both encode 1 as %q", first)
	}
	if Pseudonym(1) == name {
		t.Errorf("two installs both name 1 %q", name)
	}
	if err := Setup(ctx, a); err != nil {
		t.Fatal(err)
	}
	if Encode(1) != first || Pseudonym(1) != name {
		t.Errorf("after a restart, 1 is %q (%q), was %q (%q)", Encode(1), Pseudonym(1), first, name)
	}
	if first == mustLegacy(t).encode(1) {
		t.Errorf("a new install encodes 1 as the fixed alphabet did: %q", first)
	}
	// A new install has no IDs from before: the fixed alphabet's are not decoded.
	if id, ok := Decode(mustLegacy(t).encode(12345)); ok && id == 12345 {
		t.Error("a new install decodes the fixed alphabet's IDs")
	}
}

// An install upgraded with data keeps decoding the IDs it gave out before.
func TestSetupUpgradedKeepsLegacyLinks(t *testing.T) {
	restore(t)
	ctx := context.Background()
	db := openDB(t)
	if _, err := db.Write.Exec("INSERT INTO settings (key, value) VALUES ('ids_legacy', '1')"); err != nil {
		t.Fatal(err)
	}
	old := Encode(4242) // before Setup: the fixed alphabet
	if err := Setup(ctx, db); err != nil {
		t.Fatal(err)
	}
	if Encode(4242) == old {
		t.Fatalf("the upgraded install still encodes with the fixed alphabet")
	}
	for _, s := range []string{old, Encode(4242)} {
		if id, ok := Decode(s); !ok || id != 4242 {
			t.Errorf("Decode(%q) = %d, %v; want 4242", s, id, ok)
		}
	}
}

func mustLegacy(t *testing.T) *codec {
	c, err := newCodec(legacyAlphabet, false)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Pseudonyms of consecutive keys do not follow one another, and are not the key's ID.
func TestPseudonym(t *testing.T) {
	seen := map[string]bool{}
	for id := int64(1); id <= 200; id++ {
		p := Pseudonym(id)
		if len(p) != 6 {
			t.Fatalf("Pseudonym(%d) = %q", id, p)
		}
		if p == Encode(id) {
			t.Errorf("Pseudonym(%d) is its ID", id)
		}
		seen[p] = true
	}
	if len(seen) < 199 {
		t.Errorf("200 keys got only %d pseudonyms", len(seen))
	}
}
