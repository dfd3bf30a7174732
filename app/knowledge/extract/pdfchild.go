package extract

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"
)

// The PDF library can loop for ever on some damaged files that the checks here cannot
// recognise, or recurse until the stack overflows, which no recover catches; and Go
// cannot stop a goroutine. So a PDF is read in a child process, this same program
// started again with pdfChildEnv set, which is killed when it takes longer than
// pdfTimeout: a bad file (an upload, or a page of a crawled site, daily) then costs one
// process for a while, not a core for ever or the whole server.
const (
	pdfChildEnv = "AGENT_EXTRACT_PDF"
	// pdfChildMemory is the child's soft memory limit: past it the Go runtime collects
	// garbage hard instead of growing (the content budgets bound what it keeps).
	pdfChildMemory = 1 << 30
)

// pdfTimeout bounds one PDF's reading.
var pdfTimeout = 30 * time.Second

// pdfChild starts the child process; tests replace it to stand in a child that hangs or
// crashes.
var pdfChild = func(ctx context.Context) (*exec.Cmd, error) {
	// /proc/self/exe still runs this program after an upgrade replaced its file.
	exe := "/proc/self/exe"
	if _, err := os.Stat(exe); err != nil {
		if exe, err = os.Executable(); err != nil {
			return nil, err
		}
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), pdfChildEnv+"=1")
	return cmd, nil
}

func init() {
	// Before anything else the program would do: the child reads a PDF and exits.
	if os.Getenv(pdfChildEnv) == "1" {
		os.Exit(runPDFChild(os.Stdin, os.Stdout))
	}
}

// pdfReply is what the child writes back: the document, or the error with its kind.
type pdfReply struct {
	Doc     Document `json:"doc"`
	Failed  bool     `json:"failed,omitempty"`
	Kind    string   `json:"kind,omitempty"`
	Message string   `json:"message,omitempty"`
	Cause   string   `json:"cause,omitempty"`
}

var kindNames = map[string]error{
	"empty": ErrEmpty, "encrypted": ErrEncrypted, "corrupt": ErrCorrupt,
	"unsupported": ErrUnsupported, "too_large": ErrTooLarge,
}

func runPDFChild(in io.Reader, out io.Writer) int {
	debug.SetMemoryLimit(pdfChildMemory)
	data, err := io.ReadAll(in)
	if err != nil {
		return 1
	}
	doc, err := extractPDF(data)
	reply := pdfReply{Doc: doc}
	if err != nil {
		reply = pdfReply{Failed: true, Kind: "corrupt", Message: "the PDF is damaged and could not be read", Cause: err.Error()}
		var e *extractError
		if errors.As(err, &e) {
			reply.Message = e.msg
			for name, kind := range kindNames {
				if e.kind == kind {
					reply.Kind = name
				}
			}
			reply.Cause = ""
			if e.cause != nil {
				reply.Cause = e.cause.Error()
			}
		}
	}
	if err := json.NewEncoder(out).Encode(reply); err != nil {
		return 1
	}
	return 0
}

// PDF extracts the text of a PDF, page by page (one section per page, anchored
// "page=N" so that a citation opens the right page), in a child process.
func PDF(data []byte) (Document, error) {
	ctx, cancel := context.WithTimeout(context.Background(), pdfTimeout)
	defer cancel()
	cmd, err := pdfChild(ctx)
	if err != nil {
		return Document{}, fmt.Errorf("extract: pdf: start reader: %w", err)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(data), &stdout, &stderr
	cmd.WaitDelay = time.Second // the pipes close soon after a kill, whatever holds them
	err = cmd.Run()
	if ctx.Err() != nil {
		return Document{}, fail("pdf", ErrCorrupt, "the PDF could not be read in time; it may be damaged", nil)
	}
	if err != nil {
		// A crash (a stack overflow, say) is a file the reader cannot cope with.
		return Document{}, fail("pdf", ErrCorrupt, "the PDF is damaged and could not be read", childError(err, stderr.String()))
	}
	var reply pdfReply
	if err := json.Unmarshal(stdout.Bytes(), &reply); err != nil {
		return Document{}, fmt.Errorf("extract: pdf: the reader's reply: %w", err)
	}
	if !reply.Failed {
		return reply.Doc, nil
	}
	kind, ok := kindNames[reply.Kind]
	if !ok {
		kind = ErrCorrupt
	}
	var cause error
	if reply.Cause != "" {
		cause = errors.New(reply.Cause)
	}
	return Document{}, fail("pdf", kind, reply.Message, cause)
}

// childError is the child's exit status with the first line of what it printed.
func childError(err error, stderr string) error {
	if line, _, _ := strings.Cut(strings.TrimSpace(stderr), "\n"); line != "" {
		return fmt.Errorf("%w: %s", err, line)
	}
	return err
}
