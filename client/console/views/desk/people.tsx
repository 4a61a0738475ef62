/**
 * @module The planning desk's page for stations (enroll, new link, revoke), operators and console
 * users (admin; SPEC DK-30 … DK-37): one part at a time, chosen by the route's parameter
 * (`#/people/operators`), so each part can be bookmarked and Back returns.
 */
import { useConsoleText } from '../../i18n/language';
import type { PageProps } from '../../page';
import { routeHash } from '../../router';
import { OperatorsSection } from './people-operators';
import { StationsSection } from './people-stations';
import { UsersSection } from './people-users';
import './people.css';

export const PEOPLE_SECTIONS = ['stations', 'operators', 'users'] as const;
export type PeopleSection = (typeof PEOPLE_SECTIONS)[number];

/** The part the route names; stations when it names none (pure). */
export function sectionOf(param: string | null): PeopleSection {
  return (PEOPLE_SECTIONS as readonly (string | null)[]).includes(param)
    ? (param as PeopleSection)
    : 'stations';
}

export function PeoplePage(props: PageProps) {
  const { t } = useConsoleText();
  const section = sectionOf(props.param);
  return (
    <main class="page desk-people">
      <h2>{t.people.heading}</h2>
      <p class="people-intro">{t.people.intro}</p>
      <nav class="people-tabs tab-list" aria-label={t.people.sections}>
        <ul>
          {PEOPLE_SECTIONS.map((s) => (
            <li key={s}>
              <a href={routeHash('people', s)} aria-current={s === section ? 'page' : undefined}>
                {t.people.tab[s]}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {section === 'stations' && <StationsSection {...props} />}
      {section === 'operators' && <OperatorsSection {...props} />}
      {section === 'users' && <UsersSection {...props} />}
    </main>
  );
}
