package extract

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// A reader that never answers is killed at the timeout; one that crashes, or answers
// nonsense, gives an error rather than a document, and nothing of it outlives the call.
func TestPDFChildFailures(t *testing.T) {
	defer func(start func(context.Context) (*exec.Cmd, error), timeout time.Duration) {
		pdfChild, pdfTimeout = start, timeout
	}(pdfChild, pdfTimeout)
	pdfTimeout = 300 * time.Millisecond
	valid := buildPDF(t, pdfSpec{pages: []string{page1}})
	var last *exec.Cmd
	stand := func(script string) {
		pdfChild = func(ctx context.Context) (*exec.Cmd, error) {
			last = exec.CommandContext(ctx, "sh", "-c", script)
			return last, nil
		}
	}

	stand("exec sleep 60")
	_, err := PDF(valid)
	if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "in time") {
		t.Errorf("hung reader: %v", err)
	}
	if last.ProcessState == nil || last.ProcessState.Exited() {
		t.Errorf("the hung reader was not killed: %v", last.ProcessState)
	}

	stand("cat >/dev/null; echo 'runtime: goroutine stack exceeds 1000000000-byte limit' >&2; exit 2")
	if _, err := PDF(valid); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "stack exceeds") {
		t.Errorf("crashed reader: %v", err)
	}

	stand("cat >/dev/null; echo not json")
	if _, err := PDF(valid); err == nil || errors.Is(err, ErrCorrupt) {
		t.Errorf("nonsense from the reader: %v", err)
	}
}

// The child's reply carries the document, or the error's kind, message and cause.
func TestPDFChildReply(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		kind error
	}{
		{"readable", buildPDF(t, pdfSpec{pages: []string{page1}, title: "Acme"}), nil},
		{"password", buildPDF(t, pdfSpec{pages: []string{page1}, encrypt: true, userPassword: "secret"}), ErrEncrypted},
		{"not a pdf", []byte("hello"), ErrCorrupt},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := extractPDF(tc.data)
			got, err := PDF(tc.data)
			if tc.kind == nil {
				if err != nil || got.Title != want.Title || len(got.Sections) != len(want.Sections) || got.Sections[0].Text != want.Sections[0].Text {
					t.Fatalf("through the child: %+v, %v; in process: %+v", got, err, want)
				}
				return
			}
			if !errors.Is(err, tc.kind) || !errors.Is(wantErr, tc.kind) || err.Error() != wantErr.Error() {
				t.Errorf("through the child: %v; in process: %v", err, wantErr)
			}
		})
	}
}

// BenchmarkPDF measures a two-page PDF read in a child process, and in this one: the
// difference is what the child costs.
func BenchmarkPDF(b *testing.B) {
	data := buildPDF(b, pdfSpec{pages: []string{page1, page2}, title: "Acme Help"})
	b.Run("child", func(b *testing.B) {
		for b.Loop() {
			if _, err := PDF(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("in-process", func(b *testing.B) {
		for b.Loop() {
			if _, err := extractPDF(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}
