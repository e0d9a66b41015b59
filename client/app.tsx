import { useLocale } from './lib/use-locale.ts';
import { Home } from './pages/home.tsx';

export function App() {
  const { messages, toggle } = useLocale();
  return (
    <main>
      <button type="button" class="lang-switch" onClick={toggle} aria-label={messages.languageSwitchLabel}>
        {messages.languageSwitch}
      </button>
      <Home messages={messages} />
    </main>
  );
}
