export default function Home() {
  return <main id="home">no tenant here</main>;
}
