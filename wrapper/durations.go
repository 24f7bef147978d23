package apify

import (
	"fmt"
	"math"
	"time"
)

// maxWholeSecondDuration is the longest duration the client sends in whole
// seconds: rounding a longer one up to the next second would overflow
// time.Duration and go out negative.
const maxWholeSecondDuration = time.Duration(math.MaxInt64 - int64(time.Second) + 1)

// checkWholeSeconds refuses a duration named name that cannot be sent in
// whole seconds: negative, or so long that converting it would overflow.
func checkWholeSeconds(name string, d time.Duration) error {
	switch {
	case d < 0:
		return fmt.Errorf("the %s %v is negative", name, d)
	case d > maxWholeSecondDuration:
		return fmt.Errorf("the %s %v is too long to send in whole seconds", name, d)
	}
	return nil
}

// ceilSeconds rounds d up to whole seconds, without overflowing.
func ceilSeconds(d time.Duration) int64 {
	s := int64(d / time.Second)
	if d%time.Second > 0 {
		s++
	}
	return s
}

// secondsToDuration converts whole seconds from an answer to a duration,
// saturating instead of overflowing.
func secondsToDuration(secs int64) time.Duration {
	const maxSecs = int64(math.MaxInt64 / int64(time.Second))
	switch {
	case secs > maxSecs:
		return math.MaxInt64
	case secs < -maxSecs:
		return math.MinInt64
	}
	return time.Duration(secs) * time.Second
}
