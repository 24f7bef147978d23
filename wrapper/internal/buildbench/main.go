// Command buildbench measures what a user's cold CI build pays for this
// module: the wall time and peak memory of `go build` of a program that runs
// an Actor and iterates its dataset (./consumer) with a fresh build cache in
// which only the standard library is already compiled, side by side, in the
// same run, with the same program written against the official Go client
// (github.com/apify/apify-client-go) and with net/http alone. It prints the
// medians and the ratios to the official client (target: at most 1.2× in
// both). `make bench-build` runs it.
//
// The official client comes from the Go module proxy (-official
// module@version); where the proxy does not serve it, set
// APIFY_CLIENT_GO_DIR to a checkout of it.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"
)

// target is the most this module's build may cost, relative to the official
// client's, in wall time and in peak memory.
const target = 1.2

type program struct {
	name string
	dir  string // module directory to build in
	pkg  string // package to build
}

type sample struct {
	wall time.Duration
	rss  int64 // bytes
}

func main() {
	runs := flag.Int("runs", 5, "cold builds per program (medians are reported)")
	official := flag.String("official", "github.com/apify/apify-client-go@v0.8.2", "the official Go client, as module@version")
	flag.Parse()
	if *runs < 1 {
		log.Fatalf("buildbench: -runs must be at least 1, got %d", *runs)
	}
	log.SetFlags(0)
	root, err := moduleRoot()
	if err != nil {
		log.Fatal(err)
	}
	work, err := os.MkdirTemp("", "apifygo-buildbench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(work)

	officialDir, err := consumerModule(work, "official", officialProgram, *official, os.Getenv("APIFY_CLIENT_GO_DIR"))
	if err != nil {
		log.Fatalf("buildbench: the official client: %v\n(where the module proxy does not serve it, set APIFY_CLIENT_GO_DIR to a checkout of github.com/apify/apify-client-go)", err)
	}
	plainDir, err := consumerModule(work, "plain", plainProgram, "", "")
	if err != nil {
		log.Fatal(err)
	}
	programs := []program{
		{"apifygo wrapper", root, "./wrapper/internal/buildbench/consumer"},
		{"official Go client", officialDir, "."},
		{"net/http only", plainDir, "."},
	}
	template := filepath.Join(work, "cache-std")
	fmt.Println("buildbench: compiling the standard library into a template build cache…")
	if out, err := goCmd(root, template, "build", "std").CombinedOutput(); err != nil {
		log.Fatalf("buildbench: go build std: %v\n%s", err, out)
	}
	samples := map[string][]sample{}
	for i := range *runs {
		for _, p := range programs {
			s, err := coldBuild(work, template, p)
			if err != nil {
				log.Fatalf("buildbench: %s: %v", p.name, err)
			}
			samples[p.name] = append(samples[p.name], s)
			fmt.Printf("  run %d/%d %-20s %6.2f s %6.0f MiB\n", i+1, *runs, p.name, s.wall.Seconds(), mib(s.rss))
		}
	}
	report(programs, samples)
}

// consumerModule writes a module with one main package; version (module@version)
// or dir (a local checkout, replacing it) names its dependency, if any.
func consumerModule(work, name, src, version, dir string) (string, error) {
	mod := filepath.Join(work, name)
	if err := os.MkdirAll(mod, 0o755); err != nil {
		return "", err
	}
	gomod := "module example.com/" + name + "\n\ngo 1.23\n"
	if version != "" {
		path, v, _ := strings.Cut(version, "@")
		if dir != "" {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return "", err
			}
			gomod += fmt.Sprintf("\nrequire %s v0.0.0\n\nreplace %s => %s\n", path, path, abs)
		} else {
			gomod += fmt.Sprintf("\nrequire %s %s\n", path, v)
		}
	}
	if err := os.WriteFile(filepath.Join(mod, "go.mod"), []byte(gomod), 0o644); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(mod, "main.go"), []byte(src), 0o644); err != nil {
		return "", err
	}
	if out, err := goCmd(mod, "", "mod", "tidy").CombinedOutput(); err != nil {
		return "", fmt.Errorf("go mod tidy: %v\n%s", err, out)
	}
	return mod, nil
}

// coldBuild builds p with a copy of the template cache and measures it.
func coldBuild(work, template string, p program) (sample, error) {
	cache := filepath.Join(work, "cache-run")
	if err := os.RemoveAll(cache); err != nil {
		return sample{}, err
	}
	defer os.RemoveAll(cache)
	if out, err := exec.Command("cp", "-a", template, cache).CombinedOutput(); err != nil {
		return sample{}, fmt.Errorf("copying the build cache: %v\n%s", err, out)
	}
	cmd := goCmd(p.dir, cache, "build", "-o", filepath.Join(work, "bin"), p.pkg)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	if err != nil {
		return sample{}, fmt.Errorf("go build: %v\n%s", err, out)
	}
	// ru_maxrss of a waited-for child covers its own descendants: the
	// largest of the go command and the compiler and linker processes.
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss * 1024
	}
	return sample{wall: wall, rss: rss}, nil
}

func goCmd(dir, cache string, args ...string) *exec.Cmd {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-buildvcs=false")
	if cache != "" {
		cmd.Env = append(cmd.Env, "GOCACHE="+cache)
	}
	return cmd
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", fmt.Errorf("buildbench: run it inside the apifygo module")
	}
	return filepath.Dir(gomod), nil
}

func median(s []sample) sample {
	walls := make([]time.Duration, len(s))
	rss := make([]int64, len(s))
	for i, x := range s {
		walls[i], rss[i] = x.wall, x.rss
	}
	sort.Slice(walls, func(i, j int) bool { return walls[i] < walls[j] })
	sort.Slice(rss, func(i, j int) bool { return rss[i] < rss[j] })
	return sample{wall: walls[len(walls)/2], rss: rss[len(rss)/2]}
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }

func report(programs []program, samples map[string][]sample) {
	base := median(samples["official Go client"])
	fmt.Printf("\ncold build, fresh GOCACHE with std prebuilt, medians of %d:\n", len(samples[programs[0].name]))
	fmt.Printf("  %-20s %8s %9s %7s %7s\n", "program", "wall s", "peak MiB", "×wall", "×mem")
	for _, p := range programs {
		m := median(samples[p.name])
		fmt.Printf("  %-20s %8.2f %9.0f %7.2f %7.2f\n", p.name, m.wall.Seconds(), mib(m.rss),
			m.wall.Seconds()/base.wall.Seconds(), float64(m.rss)/float64(base.rss))
	}
	ours := median(samples[programs[0].name])
	w, r := ours.wall.Seconds()/base.wall.Seconds(), float64(ours.rss)/float64(base.rss)
	verdict := "met"
	if w > target || r > target {
		verdict = "NOT met"
	}
	fmt.Printf("target (≤ %.1f× the official client in wall time and peak memory): %s (%.2f×, %.2f×)\n", target, verdict, w, r)
}
