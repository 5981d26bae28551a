package sms

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Outbox "sends" by writing {ID}.txt into Dir (created on demand): the
// recipient, a blank line, then the body. The file is written under a
// temporary name and renamed into place, so a re-send of the same ID
// replaces it. Outbox is safe for concurrent use.
type Outbox struct {
	Dir string
}

// Path returns the file a message with this id is written to.
func (o *Outbox) Path(id int64) string {
	return filepath.Join(o.Dir, strconv.FormatInt(id, 10)+".txt")
}

// Send writes m; Result.ProviderID is "outbox-{ID}". File-system failures
// are temporary.
func (o *Outbox) Send(ctx context.Context, m Message) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, temporary("", fmt.Errorf("message %d: %w", m.ID, err))
	}
	digits, err := checkMessage(m)
	if err != nil {
		return Result{}, err
	}
	content := "+" + digits + "\n\n" + m.Body
	if err := writeFileAtomic(o.Path(m.ID), []byte(content)); err != nil {
		return Result{}, temporary("", fmt.Errorf("message %d: outbox: %w", m.ID, err))
	}
	return Result{ProviderID: "outbox-" + strconv.FormatInt(m.ID, 10)}, nil
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
