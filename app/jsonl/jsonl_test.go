package jsonl

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	type item struct{ ID string }
	var got []string
	err := Decode(strings.NewReader("{\"ID\":\"a\"}\n\n  {\"ID\":\"b\"}  \n"), func(line int, v item) error {
		got = append(got, v.ID)
		return nil
	})
	if err != nil || strings.Join(got, ",") != "a,b" {
		t.Fatalf("got %v, %v", got, err)
	}
	err = Decode(strings.NewReader("{\"ID\":\"a\"}\n{bad\n"), func(int, item) error { return nil })
	if err == nil || !strings.HasPrefix(err.Error(), "line 2:") {
		t.Errorf("bad line err = %v", err)
	}
	stop := errors.New("stop")
	err = Decode(strings.NewReader("{}\n{}\n"), func(line int, v item) error {
		if line == 2 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !strings.HasPrefix(err.Error(), "line 2:") {
		t.Errorf("callback err = %v", err)
	}
}

// A line past the bound is reported and skipped, and the lines after it are read: one
// bad item in an import must not lose the others.
func TestLinesGoOnPastALongLine(t *testing.T) {
	in := "first\r\n" + strings.Repeat("x", maxLine+1) + "\n\n  \nlast"
	var got []string
	err := Lines(strings.NewReader(in), func(line int, b []byte, err error) error {
		switch {
		case errors.Is(err, ErrLineTooLong):
			got = append(got, fmt.Sprintf("%d: too long", line))
		case err != nil:
			t.Fatalf("line %d: %v", line, err)
		default:
			got = append(got, fmt.Sprintf("%d: %s", line, b))
		}
		return nil
	})
	if want := "1: first|2: too long|5: last"; err != nil || strings.Join(got, "|") != want {
		t.Errorf("got %q, %v; want %q", strings.Join(got, "|"), err, want)
	}
	err = Decode(strings.NewReader("{}\n"+strings.Repeat("x", maxLine+1)), func(int, struct{}) error { return nil })
	if !errors.Is(err, ErrLineTooLong) || !strings.HasPrefix(err.Error(), "line 2:") {
		t.Errorf("decode err = %v", err)
	}
}
