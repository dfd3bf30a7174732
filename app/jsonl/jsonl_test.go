package jsonl

import (
	"errors"
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
