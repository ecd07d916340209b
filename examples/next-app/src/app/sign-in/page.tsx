import { SignInPage } from '../../components/sign-in-page';

export default function PlatformSignIn() {
  return <SignInPage title="Sign in" />;
}
