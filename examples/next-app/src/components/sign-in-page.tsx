import { DEMO_PASSWORD, DEMO_USERS } from '../lib/demo-data';
import { SignInForm } from './sign-in-form';

/** The sign-in page of the platform and of every tenant subdomain, with the demo accounts listed. */
export function SignInPage({ title }: { title: string }) {
  return (
    <main className="narrow stack">
      <h1>{title}</h1>
      <SignInForm />
      <section className="card muted">
        <h2>Demo accounts</h2>
        <p>
          Password for all: <code>{DEMO_PASSWORD}</code>
        </p>
        <ul>
          {Object.values(DEMO_USERS).map((user) => (
            <li key={user.id}>
              <code>{user.email}</code> {user.name}
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}
