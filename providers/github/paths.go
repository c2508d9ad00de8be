package github

// repoPath is the API path of repository nameWithOwner (owner/name) with the sub-resource segments
// after it: repoPath("o/r", "branches") is /repos/o/r/branches. Every segment goes through the rest
// client's path builder (GitHub's name characters, no empty, "." or ".." part, each escaped), like
// Source.Repository's path; a malformed path is a KindBadInput error.
func (s *Source) repoPath(nameWithOwner string, sub ...string) (string, error) {
	parts, err := s.client.IDPath(nameWithOwner, 2)
	if err != nil {
		return "", err
	}
	return s.client.Path("/repos", append(parts, sub...)...)
}
