package store

import "time"

// NullID is an integer key for a nullable foreign-key column: 0 (none) becomes NULL.
func NullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// TimeOrZero reads a unix-seconds column where 0 (or NULL read as 0) means never.
func TimeOrZero(t int64) time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(t, 0)
}
