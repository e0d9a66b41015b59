// "Mon profil professionnel": the public directory entry a practitioner publishes (name, profession,
// specialty, RPPS, place, city). The RPPS number is checked here first (11 digits, Luhn key) so that a
// typing mistake gets a clear sentence; the server checks it again.
import { useEffect, useState } from 'preact/hooks';
import { Alert } from '../components/alert.tsx';
import { PageTitle } from '../components/page-title.tsx';
import { useApp } from '../lib/app-context.ts';
import { PROFESSIONS, professionLabel } from '../lib/professions.ts';
import { usePageFailure } from '../lib/use-page-failure.ts';
import { useRequireLogin } from '../lib/use-require-login.ts';
import { vaultClient, type PractitionerProfile as Profile, type Profession } from '../lib/vault-client.ts';
import { isValidRpps } from '../../shared/practitioners.ts';

const EMPTY: Profile = { name: '', profession: 'medecin-generaliste', specialty: '', rpps: '', place: '', city: '' };

export function PractitionerProfile() {
  const loggedIn = useRequireLogin();
  const { messages } = useApp();
  const fail = usePageFailure();
  const [profile, setProfile] = useState<Profile>(EMPTY);
  const [published, setPublished] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [rppsError, setRppsError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  useEffect(() => {
    if (!loggedIn) return;
    vaultClient().call('myPractitionerProfile', {}).then((entry) => {
      if (entry !== null) {
        const { name, profession, specialty, rpps, place, city } = entry;
        setProfile({ name, profession, specialty, rpps, place, city });
      }
      setPublished(entry !== null);
    }, (failure: unknown) => { setError(fail(failure)); });
  }, [loggedIn]);

  const set = (field: keyof Profile) => (event: { currentTarget: HTMLInputElement | HTMLSelectElement }) => {
    setProfile((current) => ({ ...current, [field]: event.currentTarget.value }));
  };
  const submit = async (event: Event) => {
    event.preventDefault();
    setDone(false);
    const rpps = profile.rpps.replace(/\s+/g, '');
    if (!isValidRpps(rpps)) { setRppsError(messages.profileRppsInvalid); return; }
    setRppsError(null);
    setError(null);
    setBusy(true);
    try {
      const trimmed: Profile = {
        name: profile.name.trim(), profession: profile.profession, specialty: profile.specialty.trim(), rpps,
        place: profile.place.trim(), city: profile.city.trim(),
      };
      await vaultClient().call('publishPractitionerProfile', trimmed);
      setProfile(trimmed);
      setPublished(true);
      setDone(true);
    } catch (failure) {
      setError(fail(failure));
    } finally {
      setBusy(false);
    }
  };

  if (!loggedIn) return null;
  return (
    <>
      <PageTitle>{messages.profileTitle}</PageTitle>
      <p>{messages.profileIntro}</p>
      {published === false && <p class="alert alert-warning">{messages.profileMissing}</p>}
      <form onSubmit={(event) => { void submit(event); }} class="stack">
        <label for="profile-name">{messages.profileNameLabel}</label>
        <input id="profile-name" required maxLength={120} autoComplete="name" value={profile.name} aria-describedby="profile-name-hint" onInput={set('name')} />
        <p id="profile-name-hint" class="hint">{messages.profileNameHint}</p>
        <label for="profile-profession">{messages.profileProfessionLabel}</label>
        <select id="profile-profession" value={profile.profession}
          onChange={(event) => { setProfile((current) => ({ ...current, profession: event.currentTarget.value as Profession })); }}>
          {PROFESSIONS.map((code) => <option key={code} value={code}>{professionLabel(code, messages)}</option>)}
        </select>
        <label for="profile-specialty">{messages.profileSpecialtyLabel}</label>
        <input id="profile-specialty" maxLength={120} value={profile.specialty} aria-describedby="profile-specialty-hint" onInput={set('specialty')} />
        <p id="profile-specialty-hint" class="hint">{messages.profileSpecialtyHint}</p>
        <label for="profile-rpps">{messages.profileRppsLabel}</label>
        <input id="profile-rpps" required inputMode="numeric" autoComplete="off" value={profile.rpps}
          aria-describedby={rppsError === null ? 'profile-rpps-hint' : 'profile-rpps-hint profile-rpps-error'}
          aria-invalid={rppsError !== null} onInput={set('rpps')} />
        <p id="profile-rpps-hint" class="hint">{messages.profileRppsHint}</p>
        {rppsError !== null && <p id="profile-rpps-error" class="alert alert-error" role="alert">{rppsError}</p>}
        <label for="profile-place">{messages.profilePlaceLabel}</label>
        <input id="profile-place" required maxLength={200} value={profile.place} aria-describedby="profile-place-hint" onInput={set('place')} />
        <p id="profile-place-hint" class="hint">{messages.profilePlaceHint}</p>
        <label for="profile-city">{messages.profileCityLabel}</label>
        <input id="profile-city" required maxLength={100} autoComplete="address-level2" value={profile.city} onInput={set('city')} />
        <Alert text={error} />
        <Alert kind="notice" text={done ? messages.profilePublished : null} />
        {busy && <p role="status">{messages.profileWorking}</p>}
        <button type="submit" disabled={busy}>{messages.profileSubmit}</button>
      </form>
    </>
  );
}
