package email

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Outbox "sends" by writing each message as an RFC 5322 file {ID}.eml into
// Dir (created on demand). The bytes come from go-mail, exactly as the SMTP
// sender would transmit them, so the files open in any mail client. The file
// is written to a temporary name and renamed into place: readers never see a
// half-written message and re-sending the same ID replaces the file instead
// of adding a second one. Outbox is safe for concurrent use.
type Outbox struct {
	Dir string
}

// Path returns the file a message with this id is written to.
func (o *Outbox) Path(id int64) string {
	return filepath.Join(o.Dir, strconv.FormatInt(id, 10)+".eml")
}

// Send writes m to Dir. File-system failures are reported as temporary.
func (o *Outbox) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return temporary(fmt.Errorf("message %d: %w", m.ID, err))
	}
	msg, err := buildMsg(m, time.Now())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if _, err := msg.WriteTo(&buf); err != nil {
		return permanent(fmt.Errorf("message %d: render: %w", m.ID, err))
	}
	if err := writeFileAtomic(o.Path(m.ID), buf.Bytes()); err != nil {
		return temporary(fmt.Errorf("message %d: outbox: %w", m.ID, err))
	}
	return nil
}

// writeFileAtomic writes data to a temporary file next to path, syncs it and
// renames it over path.
func writeFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("create temporary file in %s: %w", dir, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			_ = os.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err != nil {
		_ = f.Close()
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err = f.Sync(); err != nil {
		_ = f.Close()
		return fmt.Errorf("sync %s: %w", tmp, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", tmp, err)
	}
	if err = os.Chmod(tmp, 0o640); err != nil {
		return fmt.Errorf("chmod %s: %w", tmp, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("rename to %s: %w", path, err)
	}
	return nil
}
