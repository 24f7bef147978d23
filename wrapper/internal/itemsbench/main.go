// Command itemsbench measures dataset-item throughput side by side:
// apify.DatasetItems[T] (typed), apify.DatasetItems[json.RawMessage] (raw)
// and a plain loop of net/http GET + encoding/json streaming decode of each
// page into T, against a local server holding 200,000 items of ~800 bytes,
// on bare loopback and with 50 ms of latency per page; then peak RSS while
// iterating 1,000,000 items.
//
// The server and each measured client run in their own processes (this
// binary re-executed), so every peak RSS belongs to one client alone.
//
//	go run ./wrapper/internal/itemsbench            # the whole table
//	go run ./wrapper/internal/itemsbench -strict    # exit 1 if a target is missed
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"slices"
	"time"
)

func main() {
	var (
		serve    = flag.Bool("serve", false, "internal: run the item server")
		client   = flag.String("client", "", "internal: run one client (typed, raw, plain) and print its result")
		baseURL  = flag.String("url", "", "internal: server URL for -client")
		prefetch = flag.Int("prefetch", 0, "pages in flight for typed and raw (0: the library default)")
		items    = flag.Int("items", 200000, "items in the dataset measured for throughput")
		million  = flag.Int("rss-items", 1000000, "items iterated for the peak-RSS measurement")
		latency  = flag.Duration("latency", 50*time.Millisecond, "latency added per page on the slow port")
		runs     = flag.Int("runs", 3, "loopback runs per mode (the median is reported)")
		strict   = flag.Bool("strict", false, "exit 1 when a target is missed")
		cpuprof  = flag.String("cpuprofile", "", "internal: write a CPU profile of a -client run")
	)
	flag.Parse()
	switch {
	case *serve:
		if err := runServer(*items, *latency); err != nil {
			fatal(err)
		}
	case *client != "":
		if *cpuprof != "" {
			f, err := os.Create(*cpuprof)
			if err != nil {
				fatal(err)
			}
			_ = pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
		r, err := runClient(*client, *baseURL, *items, *prefetch)
		if err != nil {
			pprof.StopCPUProfile()
			fatal(err)
		}
		_ = json.NewEncoder(os.Stdout).Encode(r)
	default:
		if !drive(*items, *million, *latency, *runs, *prefetch) && *strict {
			os.Exit(1)
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "itemsbench:", err)
	os.Exit(2)
}

// drive starts the server, runs every measurement and prints the report.
// It returns whether all targets hold.
func drive(items, million int, latency time.Duration, runs, prefetch int) bool {
	self, err := os.Executable()
	if err != nil {
		fatal(err)
	}
	srv := exec.Command(self, "-serve", fmt.Sprint("-items=", items), fmt.Sprint("-latency=", latency))
	srv.Stderr = os.Stderr
	out, err := srv.StdoutPipe()
	if err != nil {
		fatal(err)
	}
	if err := srv.Start(); err != nil {
		fatal(err)
	}
	defer func() { _ = srv.Process.Kill(); _ = srv.Wait() }()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		fatal(fmt.Errorf("server did not start: %w", err))
	}
	var fastURL, slowURL string
	var itemSize int
	if _, err := fmt.Sscanf(line, "READY %s %s %d", &fastURL, &slowURL, &itemSize); err != nil {
		fatal(fmt.Errorf("server said %q: %w", line, err))
	}
	measure := func(mode, url string, n int) result {
		args := []string{"-client", mode, "-url", url, fmt.Sprint("-items=", n), fmt.Sprint("-prefetch=", prefetch)}
		cmd := exec.Command(self, args...)
		cmd.Stderr = os.Stderr
		b, err := cmd.Output()
		if err != nil {
			fatal(fmt.Errorf("client %s: %w", mode, err))
		}
		var r result
		if err := json.Unmarshal(b, &r); err != nil {
			fatal(fmt.Errorf("client %s printed %q", mode, b))
		}
		if r.Items != n {
			fatal(fmt.Errorf("client %s read %d items, want %d", mode, r.Items, n))
		}
		return r
	}
	median := func(mode string) result {
		var rs []result
		for range runs {
			rs = append(rs, measure(mode, fastURL, items))
		}
		slices.SortFunc(rs, func(a, b result) int { return int(1e6 * (a.Seconds - b.Seconds)) })
		return rs[len(rs)/2]
	}

	fmt.Printf("itemsbench: %d items of ~%d bytes, GOMAXPROCS=%s, loopback median of %d runs\n\n",
		items, itemSize, gomaxprocs(), runs)
	fmt.Printf("%-44s %12s %9s %10s\n", "measurement", "items/s", "seconds", "peak RSS")
	row := func(name string, r result) float64 {
		rate := float64(r.Items) / r.Seconds
		fmt.Printf("%-44s %12.0f %9.2f %7.1f MiB\n", name, rate, r.Seconds, float64(r.MaxRSS)/(1<<20))
		return rate
	}
	plain := row("loopback: plain net/http + encoding/json", median("plain"))
	typed := row("loopback: Items[Item]", median("typed"))
	raw := row("loopback: Items[json.RawMessage]", median("raw"))
	slowPlain := row(fmt.Sprintf("%v/page: plain, one page at a time", latency), measure("plain", slowURL, items))
	slowTyped := row(fmt.Sprintf("%v/page: Items[Item]", latency), measure("typed", slowURL, items))
	rssTyped := measure("typed", fastURL, million)
	row(fmt.Sprintf("loopback, %d items: Items[Item]", million), rssTyped)
	rssRaw := measure("raw", fastURL, million)
	row(fmt.Sprintf("loopback, %d items: Items[RawMessage]", million), rssRaw)

	peak := float64(max(rssTyped.MaxRSS, rssRaw.MaxRSS)) / (1 << 20)
	checks := []struct {
		name   string
		got    float64
		target float64
		less   bool
	}{
		{"typed / plain, loopback", typed / plain, 1.5, false},
		{"raw / plain, loopback", raw / plain, 5, false},
		{fmt.Sprintf("typed / one-page-at-a-time, %v latency", latency), slowTyped / slowPlain, 3, false},
		{fmt.Sprintf("peak RSS over %d items (MiB)", million), peak, 64, true},
	}
	fmt.Printf("\n%-44s %8s %8s\n", "ratio", "measured", "target")
	ok := true
	for _, c := range checks {
		pass := c.got >= c.target
		cmp := ">="
		if c.less {
			pass, cmp = c.got <= c.target, "<="
		}
		verdict := "ok"
		if !pass {
			verdict, ok = "MISSED", false
		}
		fmt.Printf("%-44s %8.2f %5s %-4g %s\n", c.name, c.got, cmp, c.target, verdict)
	}
	return ok
}

func gomaxprocs() string { return fmt.Sprint(runtime.GOMAXPROCS(0)) }
