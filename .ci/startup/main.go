// Command startup measures one cold start of a desktop program from outside the process: the
// time from exec to the first frame on an Xvfb screen, and the resident memory (RSS, PSS,
// summed over the process and its children) a few seconds after the start.
//
// The screen is read from the framebuffer file that Xvfb keeps with -fbdir (XWD format, mapped
// into memory), so every program is observed the same way, without a screenshot tool in the
// loop and without copying the screen at each poll. A frame counts
// as the first when the screen, blank (one colour) before the start, shows at least -colours
// distinct colours in a grid of samples: a mapped but unpainted window (one flat colour) does
// not count, drawn text and icons do.
//
// With -settled, it also reports when the screen stopped changing (no change for -quiet),
// which is when a start-up that paints in several steps (a chat list, then a conversation) is
// complete.
//
// Usage: go run ./.ci/startup -fb /tmp/fb/Xvfb_screen0 [-settle 5s] -- program args...
// It prints one JSON object and stops the program.
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type result struct {
	FirstFrameMS float64 `json:"first_frame_ms"`
	SettledMS    float64 `json:"settled_ms,omitempty"`
	RSSKiB       int64   `json:"rss_kib"`
	PSSKiB       int64   `json:"pss_kib"`
	Processes    int     `json:"processes"`
	Colours      int     `json:"colours"`
}

func main() {
	fb := flag.String("fb", "", "Xvfb framebuffer file (Xvfb -fbdir DIR makes DIR/Xvfb_screen0)")
	settle := flag.Duration("settle", 5*time.Second, "when to read the memory, after the start")
	timeout := flag.Duration("timeout", 60*time.Second, "give up waiting for the first frame after this")
	colours := flag.Int("colours", 8, "distinct colours that make a frame")
	settled := flag.Bool("settled", false, "also report when the screen stopped changing")
	quiet := flag.Duration("quiet", 500*time.Millisecond, "with -settled: how long the screen must stay unchanged")
	flag.Parse()
	if *fb == "" || flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	res, err := measure(*fb, flag.Args(), *settle, *timeout, *colours, *settled, *quiet)
	if err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(res); err != nil {
		fmt.Fprintln(os.Stderr, "startup:", err)
		os.Exit(1)
	}
}

func measure(fb string, argv []string, settle, timeout time.Duration, minColours int, wantSettled bool, quiet time.Duration) (result, error) {
	var res result
	screen, err := openScreen(fb)
	if err != nil {
		return res, err
	}
	if n := screen.colours(); n > 1 {
		return res, fmt.Errorf("the screen is not blank before the start (%d colours): is another program showing?", n)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return res, err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer stop(cmd, exited)

	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(timeout)
	for res.FirstFrameMS == 0 {
		select {
		case err := <-exited:
			return res, fmt.Errorf("%s exited before its first frame: %v", argv[0], err)
		case <-deadline:
			return res, fmt.Errorf("no frame from %s within %v", argv[0], timeout)
		case <-tick.C:
		}
		if time.Since(start) > 10*time.Second {
			tick.Reset(50 * time.Millisecond) // a long wait (a build first): poll less
		}
		if n := screen.colours(); n >= minColours {
			res.FirstFrameMS = ms(time.Since(start))
			res.Colours = n
		}
	}
	if wantSettled {
		last := screen.sum()
		lastChange := time.Now()
		for time.Since(lastChange) < quiet && time.Since(start) < timeout {
			time.Sleep(5 * time.Millisecond)
			if s := screen.sum(); s != last {
				last, lastChange = s, time.Now()
			}
		}
		res.SettledMS = ms(lastChange.Sub(start))
	}
	if wait := settle - time.Since(start); wait > 0 {
		select {
		case err := <-exited:
			return res, fmt.Errorf("%s exited before the memory was read: %v", argv[0], err)
		case <-time.After(wait):
		}
	}
	res.RSSKiB, res.PSSKiB, res.Processes, err = treeMemory(cmd.Process.Pid)
	return res, err
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// stop ends the program's process group and waits until it is gone, so that the next start
// sees a blank screen and no leftover memory.
func stop(cmd *exec.Cmd, exited <-chan error) {
	pg := -cmd.Process.Pid
	if err := syscall.Kill(pg, syscall.SIGTERM); err != nil {
		return // already gone
	}
	select {
	case <-exited:
	case <-time.After(5 * time.Second):
		if err := syscall.Kill(pg, syscall.SIGKILL); err == nil {
			<-exited
		}
	}
	for i := 0; i < 100 && syscall.Kill(pg, 0) == nil; i++ {
		time.Sleep(20 * time.Millisecond)
	}
}

// screen is an Xvfb framebuffer file in XWD format (32 bits per pixel), mapped into memory:
// Xvfb keeps the file current, and a poll reads only the pixels it samples.
type screen struct {
	mem                   []byte
	header                int
	width, height, stride int
}

func openScreen(path string) (*screen, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	b, err := syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("map %s: %w", path, err)
	}
	if len(b) < 100 {
		return nil, errors.New("framebuffer file too short")
	}
	be := binary.BigEndian
	s := &screen{
		mem:    b,
		header: int(be.Uint32(b[0:4])),
		width:  int(be.Uint32(b[16:20])),
		height: int(be.Uint32(b[20:24])),
		stride: int(be.Uint32(b[48:52])),
	}
	bpp := int(be.Uint32(b[44:48]))
	ncolours := int(be.Uint32(b[76:80]))
	s.header += ncolours * 12 // XWDColor entries follow the header
	if bpp != 32 || s.header+s.stride*s.height > len(b) {
		return nil, fmt.Errorf("framebuffer %s: %d bits per pixel, %dx%d: run Xvfb with a 24-bit screen", path, bpp, s.width, s.height)
	}
	return s, nil
}

// pixels is the current frame.
func (s *screen) pixels() []byte {
	return s.mem[s.header : s.header+s.stride*s.height]
}

// colours counts distinct colours on a grid of samples (every 3rd pixel of every 3rd row),
// stopping at 64.
func (s *screen) colours() int {
	p := s.pixels()
	// A blank screen is the common case while waiting: find a second colour before counting.
	first := binary.LittleEndian.Uint32(p) & 0xffffff
	blank := true
	for y := 0; y < s.height && blank; y += 6 {
		row := p[y*s.stride:]
		for x := 0; x < s.width; x += 6 {
			if binary.LittleEndian.Uint32(row[4*x:])&0xffffff != first {
				blank = false
				break
			}
		}
	}
	if blank {
		return 1
	}
	seen := make(map[uint32]struct{}, 64)
	for y := 0; y < s.height; y += 3 {
		row := p[y*s.stride:]
		for x := 0; x < s.width; x += 3 {
			seen[binary.LittleEndian.Uint32(row[4*x:])&0xffffff] = struct{}{}
			if len(seen) >= 64 {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// sum is a cheap fingerprint of the whole frame.
func (s *screen) sum() uint64 {
	p := s.pixels()
	var h uint64 = 14695981039346656037
	for i := 0; i+8 <= len(p); i += 8 {
		h = (h ^ binary.LittleEndian.Uint64(p[i:])) * 1099511628211
	}
	return h
}

// treeMemory sums RSS and PSS (from smaps_rollup) over pid and its descendants.
func treeMemory(pid int) (rss, pss int64, n int, err error) {
	children := map[int][]int{}
	entries, err := filepath.Glob("/proc/[0-9]*/stat")
	if err != nil {
		return 0, 0, 0, err
	}
	for _, e := range entries {
		b, err := os.ReadFile(e)
		if err != nil {
			continue // the process ended meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		p, _ := strconv.Atoi(strings.Split(e, "/")[2])
		children[ppid] = append(children[ppid], p)
	}
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		queue = append(queue, children[p]...)
		r, s, err := rollup(p)
		if err != nil {
			if p == pid {
				return 0, 0, 0, err
			}
			continue
		}
		rss += r
		pss += s
		n++
	}
	return rss, pss, n, nil
}

func rollup(pid int) (rss, pss int64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "Rss:":
			rss = v
		case "Pss:":
			pss = v
		}
	}
	return rss, pss, nil
}
