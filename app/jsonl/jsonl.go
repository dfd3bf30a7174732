// Package jsonl reads JSON Lines, the format of knowledge imports and eval question sets.
package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// maxLine bounds one line; a knowledge article can be long.
const maxLine = 16 << 20

// ErrLineTooLong is passed for a line longer than the bound, which is skipped unread.
var ErrLineTooLong = fmt.Errorf("longer than %d MiB", maxLine>>20)

// Lines calls fn with every non-blank line of r, without its surrounding space, and its
// number; for a line longer than the bound, with ErrLineTooLong instead, and reading goes
// on after it. The bytes are valid only during the call. An error from fn stops the
// reading and is returned.
func Lines(r io.Reader, fn func(line int, b []byte, err error) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	for line := 1; ; line++ {
		buf = buf[:0]
		tooLong, eof := false, false
		for {
			part, err := br.ReadSlice('\n')
			if !tooLong && len(buf)+len(part) > maxLine {
				tooLong, buf = true, buf[:0]
			}
			if !tooLong {
				buf = append(buf, part...)
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if errors.Is(err, io.EOF) {
				eof = true
			} else if err != nil {
				return err
			}
			break
		}
		var err error
		switch b := bytes.TrimSpace(buf); {
		case tooLong:
			err = fn(line, nil, ErrLineTooLong)
		case len(b) > 0:
			err = fn(line, b, nil)
		}
		if err != nil || eof {
			return err
		}
	}
}

// Decode reads every non-blank line of r into a new T, calling fn with it and its line
// number. A line that is not valid JSON, or an error from fn, stops the reading with an
// error naming the line.
func Decode[T any](r io.Reader, fn func(line int, v T) error) error {
	return Lines(r, func(line int, b []byte, err error) error {
		var v T
		if err == nil {
			err = json.Unmarshal(b, &v)
		}
		if err == nil {
			err = fn(line, v)
		}
		if err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		return nil
	})
}
