package providers

import "testing"

// TestHighestPermission: the highest flag set wins; none set is nil.
func TestHighestPermission(t *testing.T) {
	for _, c := range []struct {
		flags [5]bool
		want  Permission
	}{
		{[5]bool{true, true, true, true, true}, PermissionAdmin},
		{[5]bool{false, true, true, false, true}, PermissionMaintain},
		{[5]bool{false, false, true, true, true}, PermissionWrite},
		{[5]bool{false, false, false, true, true}, PermissionTriage},
		{[5]bool{false, false, false, false, true}, PermissionRead},
		{[5]bool{}, ""},
	} {
		f := c.flags
		got := HighestPermission(f[0], f[1], f[2], f[3], f[4])
		if (got == nil) != (c.want == "") || got != nil && *got != c.want {
			t.Fatalf("%v: got %v, want %q", f, got, c.want)
		}
	}
}
