package email

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestMayAutoReply(t *testing.T) {
	const base = "From: Ada <ada@example.com>\r\nTo: support@shop.example\r\nSubject: Hello\r\nMessage-ID: <1@example.com>\r\n"
	cases := []struct {
		name, header string
		ok           bool
		why          Reason
	}{
		{"a person", "", true, ""},
		{"Auto-Submitted: no", "Auto-Submitted: no\r\n", true, ""},
		{"Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied\r\n", false, AutoSubmitted},
		{"Auto-Submitted: auto-generated with a comment", "Auto-Submitted: Auto-Generated; owner-email=\"x@y\"\r\n", false, AutoSubmitted},
		{"Precedence: bulk", "Precedence: bulk\r\n", false, BulkPrecedence},
		{"Precedence: junk", "Precedence: Junk\r\n", false, BulkPrecedence},
		{"Precedence: list", "Precedence: list\r\n", false, BulkPrecedence},
		{"Precedence: first-class", "Precedence: first-class\r\n", true, ""},
		{"X-Auto-Response-Suppress", "X-Auto-Response-Suppress: OOF, AutoReply\r\n", false, ResponseSuppress},
		{"X-Loop", "X-Loop: support@shop.example\r\n", false, LoopHeader},
		{"List-Id", "List-Id: Customers <customers.lists.example>\r\n", false, MailingList},
		{"an empty Return-Path", "Return-Path: <>\r\n", false, NullReturnPath},
		{"a Return-Path", "Return-Path: <ada@example.com>\r\n", true, ""},
		{"X-Autoreply", "X-Autoreply: yes\r\n", false, AutoReplyHeader},
		{"a report", "Content-Type: multipart/report; report-type=disposition-notification; boundary=x\r\n", false, Report},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(base+c.header+"\r\nHi"), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if ok, why := m.MayAutoReply("support@shop.example"); ok != c.ok || why != c.why {
				t.Errorf("MayAutoReply = %v, %q; want %v, %q", ok, why, c.ok, c.why)
			}
		})
	}
	senders := []struct {
		from string
		ok   bool
		why  Reason
	}{
		{"MAILER-DAEMON@mx.example.com", false, DaemonSender},
		{"postmaster@example.com", false, DaemonSender},
		{"noreply@example.com", false, NoReplySender},
		{"no-reply@accounts.example.com", false, NoReplySender},
		{"do_not_reply@example.com", false, NoReplySender},
		{"noreply+bounces@example.com", false, NoReplySender},
		{"Support <support@shop.example>", false, OwnAddress},
		{"support+c-k5xwq2mbt7ndyr4fazjh3pue@Shop.Example", false, OwnAddress},
		{"support@shop.example.evil.example", true, ""},
		{"nora.noreplyson@example.com", true, ""},
		{"", false, NoSender},
	}
	for _, c := range senders {
		m, err := Parse([]byte("From: "+c.from+"\r\nSubject: x\r\n\r\nHi"), Limits{})
		if err != nil {
			t.Fatal(err)
		}
		if ok, why := m.MayAutoReply("support@shop.example"); ok != c.ok || why != c.why {
			t.Errorf("from %q: %v, %q; want %v, %q", c.from, ok, why, c.ok, c.why)
		}
	}
	// a Reply-To of ours would make us answer ourselves
	m, _ := Parse([]byte("From: ada@example.com\r\nReply-To: support@shop.example\r\n\r\nHi"), Limits{})
	if ok, why := m.MayAutoReply("support@shop.example"); ok || why != OwnAddress {
		t.Errorf("Reply-To ours: %v, %q", ok, why)
	}
}

func TestMayAutoReplyFixtures(t *testing.T) {
	want := map[string]Reason{
		"auto/exchange_ooo.eml":     AutoSubmitted,
		"auto/gmail_vacation.eml":   AutoSubmitted,
		"auto/mailing_list.eml":     BulkPrecedence,
		"clients/gmail_forward.eml": "",
	}
	files, _ := filepath.Glob("testdata/clients/*.eml")
	for _, f := range files {
		want[strings.TrimPrefix(f, "testdata/")] = ""
	}
	for file, why := range want {
		m := parseFixture(t, file)
		if ok, got := m.MayAutoReply("support@shop.example"); ok != (why == "") || got != why {
			t.Errorf("%s: %v, %q; want %q", file, ok, got, why)
		}
	}
}
