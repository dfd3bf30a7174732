package attach

import (
	"context"
	"crypto/rand"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// BenchmarkOpen reads a stored file back as the download handler does, beside reading the
// same bytes from a file in the data directory: the cost of keeping files in SQLite.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{100 << 10, 1 << 20, MaxSize} {
		db := newDB(b)
		s := NewStore(db)
		data := make([]byte, size)
		rand.Read(data)
		var a Attachment
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			a, err = s.Add(ctx, tx, 1, 1, File{Name: "f.bin", Data: data})
			return err
		}); err != nil {
			b.Fatal(err)
		}
		path := filepath.Join(b.TempDir(), "f.bin")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			b.Fatal(err)
		}
		name := strconv.Itoa(size>>10) + "KiB"
		b.Run("sqlite/"+name, func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, _, err := s.Open(ctx, 1, a.ID); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("file/"+name, func(b *testing.B) {
			b.SetBytes(int64(size))
			for b.Loop() {
				if _, err := os.ReadFile(path); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAdd stores a 1 MiB file with a message of its own, committed, as the intake does.
func BenchmarkAdd(b *testing.B) {
	ctx := context.Background()
	db := newDB(b)
	s := NewStore(db)
	data := make([]byte, 1<<20)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		rand.Read(data[:32]) // a new content each time
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := s.Add(ctx, tx, 1, 1, File{Name: "f.bin", Data: data})
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}
