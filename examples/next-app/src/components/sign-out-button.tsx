/** A plain form: the proxy answers `POST /sign-out` by clearing this host's session cookie. */
export function SignOutButton() {
  return (
    <form method="post" action="/sign-out">
      <button type="submit" className="link">
        Sign out
      </button>
    </form>
  );
}
