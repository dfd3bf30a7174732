package inbox

import "agent/app/inbox"

// Who names the customer of the open conversation: their contact's name or address when
// known, else as Who does.
func (d ConvData) Who() string {
	if l := d.Contact.Label(); l != "" {
		return l
	}
	return Who(d.Conv)
}

// Others are the contact's conversations other than the open one, newest first.
func (d ConvData) Others() []inbox.Summary {
	var out []inbox.Summary
	for _, c := range d.Earlier {
		if c.ID != d.Conv.ID {
			out = append(out, c)
		}
	}
	return out
}

// SummaryWho names the customer of a conversation in the list: their contact's name or
// address when known, else as Who does.
func SummaryWho(s inbox.Summary) string {
	if s.Contact != "" {
		return s.Contact
	}
	return Who(s.Conversation)
}
