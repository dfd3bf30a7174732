package mailbox_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"agent/app/channel/mailbox"
)

// BenchmarkIntakePoll reads a folder with 50 new mails (each a new conversation of a
// new contact) and stores them with their answer jobs queued: the intake's own cost,
// the AI's answers apart.
func BenchmarkIntakePoll(b *testing.B) {
	const batch = 50
	w := newWorld(b)
	user := w.newIMAPServer(b)
	intake := &mailbox.Intake{DB: w.db, Settings: w.settings, Service: w.svc, Net: loopback}
	n := 0
	var elapsed time.Duration
	for b.Loop() {
		b.StopTimer()
		for range batch {
			n++
			user.Deliver(b, strings.NewReplacer("kari-1@", "m"+strconv.Itoa(n)+"@", "kari@customer.example", "c"+strconv.Itoa(n)+"@customer.example").Replace(firstMail))
		}
		b.StartTimer()
		start := time.Now()
		if got, err := intake.Poll(w.ctx, w.ch); err != nil || got != batch {
			b.Fatalf("Poll = %d, %v", got, err)
		}
		elapsed += time.Since(start)
	}
	b.ReportMetric(float64(n)/elapsed.Seconds(), "mails/s")
}
