package store

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gotd/td/telegram/updates"

	"tacit/mtproto/secret"
)

func TestConcurrentUse(t *testing.T) {
	ctx := testContext(t)
	s, _, _ := openTest(t)
	const (
		writers   = 4
		perWriter = 50
		counters  = 100
	)
	if err := s.UpdateState().SetState(ctx, 1, updates.State{}); err != nil {
		t.Fatal(err)
	}
	if err := s.Secret().Update(ctx, func(tx secret.Tx) error { return tx.PutChat(secret.Chat{ID: 1, ResendUpTo: -1}) }); err != nil {
		t.Fatal(err)
	}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	report := func(err error) {
		if err != nil {
			select {
			case errs <- err:
			default:
			}
		}
	}
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				report(s.PutMessages(ctx, Message{Peer: UserPeer(int64(w)), ID: i + 1, Date: time.Unix(int64(i), 0), Text: fmt.Sprintf("word%d message", i)}))
			}
		})
	}
	// Read-modify-write through secret transactions must not lose increments.
	for range 4 {
		wg.Go(func() {
			for range counters / 4 {
				report(s.Secret().Update(ctx, func(tx secret.Tx) error {
					c, err := tx.Chat(1)
					if err != nil {
						return err
					}
					c.InSeq++
					return tx.PutChat(c)
				}))
			}
		})
	}
	wg.Go(func() {
		for i := range 100 {
			report(s.UpdateState().SetPts(ctx, 1, i+1))
		}
	})
	for r := range 4 {
		wg.Go(func() {
			for range 50 {
				_, err := s.Latest(ctx, UserPeer(int64(r)), 50)
				report(err)
				_, err = s.Search(ctx, "message", 20)
				report(err)
				_, err = s.Dialogs(ctx, 0)
				report(err)
				report(s.Secret().View(ctx, func(tx secret.Tx) error { _, err := tx.Chat(1); return err }))
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	for w := range writers {
		if n, _ := s.MessageCount(ctx, UserPeer(int64(w))); n != perWriter {
			t.Fatalf("writer %d: %d messages, want %d", w, n, perWriter)
		}
	}
	err := s.Secret().View(ctx, func(tx secret.Tx) error {
		c, err := tx.Chat(1)
		if err == nil && c.InSeq != counters {
			return fmt.Errorf("InSeq = %d, want %d: lost updates", c.InSeq, counters)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if st, _, _ := s.UpdateState().GetState(ctx, 1); st.Pts != 100 {
		t.Fatalf("pts = %d", st.Pts)
	}
}

// Environment of the child process of TestKillDuringWrites: its data
// directory and (hex) key.
const (
	crashChildEnv    = "TACIT_STORE_CRASH_CHILD_DIR"
	crashChildKeyEnv = "TACIT_STORE_CRASH_CHILD_KEY"
)

// TestKillDuringWrites runs a child process that stores pts values and secret
// outbox rows and prints each value once the call returned; the parent kills
// it with SIGKILL at some point and checks that every acknowledged value is
// in the database after reopening.
func TestKillDuringWrites(t *testing.T) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		crashChild(dir)
		return
	}
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	for round, killAfter := range []int{1, 17, 60} {
		t.Run(strconv.Itoa(round), func(t *testing.T) {
			dir := t.TempDir()
			key := testKey(t)
			ctx := testContext(t)
			cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestKillDuringWrites$")
			cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, crashChildKeyEnv+"="+hex.EncodeToString(key))
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			acked := 0
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				n, err := strconv.Atoi(sc.Text())
				if err != nil {
					continue // test framework output
				}
				acked = n
				if acked >= killAfter {
					break
				}
			}
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
			if acked < killAfter {
				t.Fatalf("child stopped after %d acknowledged writes", acked)
			}

			s, err := Open(ctx, dir, key)
			if err != nil {
				t.Fatalf("reopen after SIGKILL: %v", err)
			}
			defer s.Close()
			st, found, err := s.UpdateState().GetState(ctx, 1)
			if err != nil || !found || st.Pts < acked {
				t.Fatalf("pts after kill = %d (found %v, %v), acknowledged %d", st.Pts, found, err, acked)
			}
			err = s.Secret().View(ctx, func(tx secret.Tx) error {
				rows, err := tx.Outbox(1, 1, acked)
				if err != nil {
					return err
				}
				if len(rows) != acked {
					return fmt.Errorf("outbox holds %d of %d acknowledged rows", len(rows), acked)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

func crashChild(dir string) {
	key, err := hex.DecodeString(os.Getenv(crashChildKeyEnv))
	if err != nil {
		os.Exit(2)
	}
	ctx := context.Background()
	s, err := Open(ctx, dir, key)
	if err != nil {
		os.Exit(2)
	}
	if err := s.UpdateState().SetState(ctx, 1, updates.State{}); err != nil {
		os.Exit(3)
	}
	for n := 1; ; n++ {
		if err := s.Secret().Update(ctx, func(tx secret.Tx) error {
			return tx.PutOutbox(secret.OutboxMessage{ChatID: 1, OutSeq: n, RandomID: int64(n), Bytes: []byte("ciphertext")})
		}); err != nil {
			os.Exit(4)
		}
		if err := s.UpdateState().SetPts(ctx, 1, n); err != nil {
			os.Exit(5)
		}
		fmt.Println(n) // acknowledged: both writes returned
	}
}
