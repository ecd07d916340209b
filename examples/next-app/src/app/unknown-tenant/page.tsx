// The proxy rewrites here (404) when the subdomain names no tenant.
export default function UnknownTenant() {
  return (
    <main className="narrow stack">
      <h1>No such tenant</h1>
      <p>There is no tenant at this address.</p>
    </main>
  );
}
