package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// maxPhoto caps a reward photo; the request around it may use the app-wide 10 MB.
const maxPhoto = 5 << 20

// photoNameRe is the only shape of a stored photo's name (see savePhoto): nothing else reaches
// the file system, so no path can walk out of the photo folder.
var photoNameRe = regexp.MustCompile(`^[0-9a-f]{32}\.(jpg|png|webp)$`)

// photoTypes maps the content types we accept (sniffed from the bytes, not the file name) to
// the extension the photo is stored under, and back.
var (
	photoExt  = map[string]string{"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
	photoMIME = map[string]string{"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}
)

const (
	msgPhotoTooBig = "Zdjęcie może mieć najwyżej 5 MB."
	msgPhotoType   = "Zdjęcie musi być plikiem JPEG, PNG lub WebP."
)

// photoRoutes serves the reward photos to every logged-in staff member (the card's rewards tab
// shows them to operators too).
func (s *Server) photoRoutes(staff fiber.Router) {
	staff.Get("/photos/:name", s.photo)
}

func (s *Server) photoDir() string { return filepath.Join(s.cfg.DataDir, "photos") }

// photo sends one stored photo. Names never change content, so the browser may keep it.
func (s *Server) photo(c *fiber.Ctx) error {
	name := c.Params("name")
	if !photoNameRe.MatchString(name) {
		return errStatus(http.StatusNotFound, "Nie ma takiego zdjęcia.")
	}
	f, err := os.Open(filepath.Join(s.photoDir(), name))
	if errors.Is(err, fs.ErrNotExist) {
		return errStatus(http.StatusNotFound, "Nie ma takiego zdjęcia.")
	}
	if err != nil {
		return fmt.Errorf("photo %s: %w", name, err)
	}
	info, err := f.Stat()
	if err != nil {
		f.Close()
		return fmt.Errorf("photo %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, photoMIME[name[strings.LastIndexByte(name, '.')+1:]])
	c.Set(fiber.HeaderCacheControl, "private, max-age=86400")
	return c.SendStream(f, int(info.Size())) // fasthttp closes f once sent
}

// checkPhoto tells the photo's extension from its first 512 bytes; msg is the Polish message
// when the file is too big or not a JPEG, PNG or WebP image.
func checkPhoto(fh *multipart.FileHeader) (ext, msg string, err error) {
	if fh.Size > maxPhoto {
		return "", msgPhotoTooBig, nil
	}
	f, err := fh.Open()
	if err != nil {
		return "", "", fmt.Errorf("photo upload: %w", err)
	}
	defer f.Close()
	head := make([]byte, 512)
	n, err := io.ReadFull(f, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", "", fmt.Errorf("photo upload: %w", err)
	}
	ext, ok := photoExt[http.DetectContentType(head[:n])]
	if !ok {
		return "", msgPhotoType, nil
	}
	return ext, "", nil
}

// savePhoto stores an uploaded photo under DATA_DIR/photos with a fresh random name and
// returns that name.
func (s *Server) savePhoto(fh *multipart.FileHeader, ext string) (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	name := hex.EncodeToString(b) + "." + ext
	if err := os.MkdirAll(s.photoDir(), 0o755); err != nil {
		return "", fmt.Errorf("photo dir: %w", err)
	}
	src, err := fh.Open()
	if err != nil {
		return "", fmt.Errorf("photo upload: %w", err)
	}
	defer src.Close()
	path := filepath.Join(s.photoDir(), name)
	dst, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("photo %s: %w", name, err)
	}
	if _, err := io.Copy(dst, io.LimitReader(src, maxPhoto)); err != nil {
		dst.Close()
		os.Remove(path)
		return "", fmt.Errorf("photo %s: %w", name, err)
	}
	if err := dst.Close(); err != nil {
		os.Remove(path)
		return "", fmt.Errorf("photo %s: %w", name, err)
	}
	return name, nil
}

// removePhoto deletes a photo no longer used; failing is only logged (an orphan file harms
// nobody).
func (s *Server) removePhoto(name string) {
	if !photoNameRe.MatchString(name) {
		return
	}
	if err := os.Remove(filepath.Join(s.photoDir(), name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		s.log.Warn("remove photo", "name", name, "err", err)
	}
}

// isPhotoUpload tells the reward form's multipart posts, the only requests allowed past the
// 1 MB body limit (up to the app-wide 10 MB; the photo itself is capped at 5 MB).
func isPhotoUpload(c *fiber.Ctx) bool {
	p := c.Path()
	return c.Method() == http.MethodPost && (p == "/rewards" || strings.HasPrefix(p, "/rewards/")) &&
		strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm)
}
