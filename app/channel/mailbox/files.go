package mailbox

import (
	"context"
	"database/sql"
	"strconv"

	"agent/app/attach"
	"agent/app/channel/email"
)

// MaxFilesPerMail is how many of a mail's files are kept; the ones past it are listed on
// the message as not kept. email.Limits bounds each file's and all files' bytes.
const MaxFilesPerMail = 20

// keepFiles stores a mail's inline images and attachments with its message, in the
// transaction that stores the message: a mail fetched again after a stop is skipped by its
// Message-ID, so its files are kept once. A file over the limits is recorded without its
// bytes, saying why, so that the message shows what came and was not kept.
func (in *Intake) keepFiles(ctx context.Context, tx *sql.Tx, workspaceID, messageID int64, m *email.Message, lim email.Limits) error {
	lim = lim.WithDefaults()
	files := attach.NewStore(in.DB)
	n := 0
	for _, list := range []struct {
		files  []email.Attachment
		inline bool
	}{{m.Inlines, true}, {m.Attachments, false}} {
		for _, a := range list.files {
			f := attach.File{Name: a.Name, DeclaredType: a.DeclaredType, ContentID: a.ContentID, Inline: list.inline, Data: a.Data, Size: int64(a.Size)}
			switch n++; {
			case n > MaxFilesPerMail:
				f.Omitted = "more than " + strconv.Itoa(MaxFilesPerMail) + " files in one mail"
			case a.Omitted && a.Size > lim.MaxAttachment:
				f.Omitted = "larger than " + byteCount(lim.MaxAttachment)
			case a.Omitted:
				f.Omitted = "the mail's files together are larger than " + byteCount(lim.MaxAttachments)
			}
			if f.Omitted != "" {
				f.Data = nil
			}
			if _, err := files.Add(ctx, tx, workspaceID, messageID, f); err != nil {
				return err
			}
		}
	}
	return nil
}

// byteCount says a limit as the settings do: "10 MB", or bytes when it is not whole MB.
func byteCount(n int) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return strconv.Itoa(n>>20) + " MB"
	}
	return strconv.Itoa(n) + " bytes"
}
