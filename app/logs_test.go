package app

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tdsession "github.com/gotd/td/session"

	"tacit/mtproto/secret"
	"tacit/mtproto/store"
)

// logCanary is the text of the self-test's messages in TestDebugLogHoldsNoSecrets: unusual enough that
// any occurrence in the log is a leak.
const logCanary = "canary 7q3x: the quick brown fox pays the rent"

// TestDebugLogHoldsNoSecrets runs the whole self-test with the debug log on (TACIT_DEBUG=1: diagnostics,
// the Telegram library's protocol log, the sandbox's problems) and greps everything written, the
// self-test's own output included, for the phone numbers in every usual format, the message texts (cloud,
// secret and the contact's answers), the file sent, the login codes, the 2-step passwords, and the key
// bytes the test can reach (the store key, the auth key, the secret chat keys, the file's key and IV) as
// raw bytes, hex, base64 and decimal byte lists. Any hit fails the test with its line.
//
// TACIT_LOGS_KEEP=file keeps the captured log for reading (make reliability counts its lines).
func TestDebugLogHoldsNoSecrets(t *testing.T) {
	t.Setenv(DebugEnv, "1")
	var out bytes.Buffer
	st, err := newSelftest(SelftestConfig{Message: logCanary}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	st.diag = newDiagnostics(&log)
	if !st.diag.debug {
		t.Fatal("TACIT_DEBUG=1 did not turn the debug log on")
	}
	var keys [][]byte
	var words []string
	st.extra = []selftestStep{{"collect the key material for the log test", func(ctx context.Context, s *selftest) (string, error) {
		db, err := store.Open(ctx, s.dataDir, s.key)
		if err != nil {
			return "", err
		}
		defer db.Close()
		data, err := (&tdsession.Loader{Storage: db.Session()}).Load(ctx)
		if err != nil {
			return "", fmt.Errorf("load the session: %w", err)
		}
		keys = append(keys, bytes.Clone(data.AuthKey))
		err = db.Secret().View(ctx, func(tx secret.Tx) error {
			chats, err := tx.Chats()
			if err != nil {
				return err
			}
			for _, c := range chats {
				for _, k := range c.KeyMaterial() {
					keys = append(keys, bytes.Clone(k))
				}
				msgs, err := tx.Messages(c.ID)
				if err != nil {
					return err
				}
				for _, m := range msgs {
					if m.Text != "" {
						words = append(words, m.Text)
					}
					if m.Media != nil {
						keys = append(keys, bytes.Clone(m.Media.Key), bytes.Clone(m.Media.IV))
					}
				}
			}
			return nil
		})
		keys = append(keys, bytes.Clone(s.key))
		return "", err
	}}}
	runErr := st.run(context.Background())
	st.diag.mu.Lock()
	logged := append(bytes.Clone(log.Bytes()), out.Bytes()...)
	st.diag.mu.Unlock()
	if keep := os.Getenv("TACIT_LOGS_KEEP"); keep != "" {
		if err := os.WriteFile(keep, logged, 0o600); err != nil {
			t.Error(err)
		}
	}
	if runErr != nil {
		t.Fatalf("selftest: %v\n%s", runErr, out.String())
	}
	if bytes.Count(log.Bytes(), []byte("client=")) == 0 {
		t.Fatalf("the debug log has no line of the protocol log:\n%s", log.String())
	}
	if len(st.codes) != 2 || len(keys) < 4 {
		t.Fatalf("collected %d codes and %d keys; the test needs the codes of both logins and the keys", len(st.codes), len(keys))
	}

	texts := []string{logCanary, "Alice received: " + logCanary, "after the re-key", "Alice received: after the re-key",
		string(st.pass), "not the password"}
	texts = append(texts, words...)
	for _, p := range []string{st.phone, st.alice.Phone} {
		texts = append(texts, phoneForms(p)...)
	}
	var hits []string
	for _, line := range strings.Split(string(logged), "\n") {
		for _, s := range texts {
			if strings.Contains(line, s) {
				hits = append(hits, fmt.Sprintf("%q in: %s", s, line))
			}
		}
		for _, code := range st.codes {
			// A code is five digits: only a whole number counts, not digits inside a longer one.
			if regexp.MustCompile(`(^|[^0-9])` + code + `($|[^0-9])`).MatchString(line) {
				hits = append(hits, fmt.Sprintf("login code %s in: %s", code, line))
			}
		}
	}
	keys = append(keys, bytes.Clone(st.file))
	if hit := keyBytesIn(logged, keys); hit != "" {
		hits = append(hits, hit)
	}
	for _, h := range hits {
		t.Error(h)
	}
	t.Logf("%d lines, %d bytes of log checked against %d texts, %d codes and %d keys", bytes.Count(logged, []byte("\n")), len(logged), len(texts), len(st.codes), len(keys))
}

// phoneForms are the ways a number such as 15550001000 is written: +15550001000, 15550001000,
// +1 555 000 1000, 1 555 000 1000, (555) 000-1000, 555-000-1000, 555 000 1000, 5550001000.
func phoneForms(p string) []string {
	forms := []string{p, "+" + p}
	if len(p) == 11 {
		a, b, c, d := p[:1], p[1:4], p[4:7], p[7:]
		forms = append(forms, "+"+a+" "+b+" "+c+" "+d, a+" "+b+" "+c+" "+d, "("+b+") "+c+"-"+d,
			b+"-"+c+"-"+d, b+" "+c+" "+d, b+c+d)
	}
	return forms
}

// keyWindow is how many consecutive bytes of a key make a hit.
const keyWindow = 12

// keyBytesIn looks for keyWindow consecutive bytes of any key in log: raw, or inside a run of hex digits,
// of base64 (standard or URL alphabet, padded or not) or of decimal numbers as fmt prints a []byte.
func keyBytesIn(log []byte, keys [][]byte) string {
	windows := map[string]int{}
	for i, k := range keys {
		for j := 0; j+keyWindow <= len(k); j++ {
			windows[string(k[j:j+keyWindow])] = i
		}
	}
	if len(windows) == 0 {
		return ""
	}
	search := func(kind string, b []byte) string {
		for j := 0; j+keyWindow <= len(b); j++ {
			if i, ok := windows[string(b[j:j+keyWindow])]; ok {
				return fmt.Sprintf("bytes of key %d (%s) in the log near: %.200q", i, kind, b)
			}
		}
		return ""
	}
	if hit := search("raw", log); hit != "" {
		return hit
	}
	for _, run := range regexp.MustCompile(`[0-9a-fA-F]{24,}`).FindAll(log, -1) {
		for off := 0; off < 2 && off < len(run); off++ {
			b, _ := hex.DecodeString(string(run[off : off+(len(run)-off)/2*2]))
			if hit := search("hex", b); hit != "" {
				return hit
			}
		}
	}
	for _, run := range regexp.MustCompile(`[A-Za-z0-9+/_-]{16,}`).FindAll(log, -1) {
		s := strings.NewReplacer("-", "+", "_", "/").Replace(string(run))
		for off := 0; off < 4 && off < len(s); off++ {
			part := s[off:]
			b, _ := base64.RawStdEncoding.DecodeString(part[:len(part)/4*4])
			if hit := search("base64", b); hit != "" {
				return hit
			}
		}
	}
	for _, run := range regexp.MustCompile(`\d{1,3}(?:[ ,]+\d{1,3}){11,}`).FindAll(log, -1) {
		var b []byte
		for _, f := range strings.FieldsFunc(string(run), func(r rune) bool { return r == ' ' || r == ',' }) {
			n, err := strconv.Atoi(f)
			if err != nil || n > 255 {
				b = append(b, 0)
				continue
			}
			b = append(b, byte(n))
		}
		if hit := search("decimal", b); hit != "" {
			return hit
		}
	}
	return ""
}

// TestKeyBytesInFindsEveryEncoding checks the grep of TestDebugLogHoldsNoSecrets: part of a key is found
// raw, in hex of either case, in base64 of either alphabet at any alignment and as a decimal byte list,
// and a log without it passes.
func TestKeyBytesInFindsEveryEncoding(t *testing.T) {
	key := make([]byte, 64)
	for i := range key {
		key[i] = byte(i*37 + 11)
	}
	part := key[5:25]
	for name, log := range map[string]string{
		"raw":       "x " + string(part) + " y",
		"hex":       "k=" + hex.EncodeToString(part) + "!",
		"HEX":       "k=" + strings.ToUpper(hex.EncodeToString(part)),
		"odd hex":   "k=f" + hex.EncodeToString(part),
		"base64":    "auth_key=" + base64.StdEncoding.EncodeToString(part),
		"base64url": "a" + base64.RawURLEncoding.EncodeToString(part),
		"shifted":   "ab" + base64.StdEncoding.EncodeToString(key[4:30])[2:],
		"decimal":   fmt.Sprint(part),
	} {
		if keyBytesIn([]byte(log), [][]byte{key}) == "" {
			t.Errorf("%s: not found in %q", name, log)
		}
	}
	if hit := keyBytesIn([]byte("time=2026 msg=Handle "+hex.EncodeToString(key[:8])), [][]byte{key}); hit != "" {
		t.Errorf("eight bytes are below the window: %s", hit)
	}
}
