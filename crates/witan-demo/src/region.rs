//! One region of demo records: its organisations, committees and people, and the meetings they
//! hold, generated in date order so that issues travel forward, actions carry forward and minutes
//! are signed off at the following meeting.

use crate::reference_date;
use crate::vocabulary::*;
use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sha2::Digest;
use witan_domain::*;
use witan_store::{Result, Store, Writer};

/// Meetings written per transaction.
const MEETINGS_PER_COMMIT: usize = 400;
/// About how many agenda items a meeting has, to size a region's history.
const ITEMS_PER_MEETING: u64 = 9;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Full council: decisions not subject to call-in; where issues end.
    Council,
    /// Executive: key decisions subject to call-in.
    Cabinet,
    /// Scrutiny: comments, and issues sent on to the executive.
    Scrutiny,
    /// An NHS or partnership board: decisions and actions.
    Board,
    /// A sub-board: actions, issues sent to its board, escalations.
    SubBoard,
}

/// A committee as the generator drives it.
struct Body {
    id: CommitteeId,
    name: String,
    kind: Kind,
    topics: &'static [&'static str],
    per_year: u32,
    weekday: Weekday,
    hour: u32,
    venue: String,
    /// Who can own actions as an organisation.
    organisation: OrganisationId,
    members: Vec<PersonId>,
    chair: (PersonId, String),
    officers: Vec<(PersonId, String, &'static str)>,
    /// Where its issues go next, and where its escalations go.
    forwards_to: Option<usize>,
    escalates_to: Option<usize>,
    previous: Option<(MeetingId, NaiveDate, bool)>,
    issue_items: Vec<(IssueId, String)>,
    escalations: Vec<(ItemId, String, String)>,
}

struct OrgPeople {
    id: OrganisationId,
    members: Vec<(PersonId, String)>,
    officers: Vec<(PersonId, String, &'static str)>,
}

pub(crate) struct Region {
    rng: ChaCha8Rng,
    number: u64,
    name: String,
    towns: Vec<String>,
    bodies: Vec<Body>,
    issues: u64,
}

fn title(s: &str) -> Result<Title> {
    Ok(Title::parse("demo", s)?)
}

fn text(s: &str) -> Result<Text> {
    Ok(Text::parse("demo", s)?)
}

fn financial_year(d: NaiveDate) -> String {
    let start = if d.month() >= 4 {
        d.year()
    } else {
        d.year() - 1
    };
    format!("{}/{:02}", start, (start + 1) % 100)
}

impl Region {
    /// Generates region `number` with about `budget` agenda items; returns how many it wrote.
    pub(crate) async fn generate(
        store: &dyn Store,
        seed: u64,
        number: u64,
        budget: u64,
        done_before: u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let rng = ChaCha8Rng::seed_from_u64(seed ^ number.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let stem = PLACE_STEMS[(number as usize) % PLACE_STEMS.len()];
        let ending = COUNTY_ENDINGS[(number as usize / PLACE_STEMS.len()) % COUNTY_ENDINGS.len()];
        let round = number as usize / (PLACE_STEMS.len() * COUNTY_ENDINGS.len());
        let name = if round == 0 {
            format!("{stem}{ending}")
        } else {
            format!("{stem}{ending} {}", round + 1)
        };
        // Towns are drawn without repeats across the first 72 regions; later rounds repeat the
        // names with the round number, as the county names do.
        let combinations = PLACE_STEMS.len() * TOWN_ENDINGS.len();
        let towns: Vec<String> = (0..4)
            .map(|k| {
                let pick = (((number as usize) % 72) * 4 + k) * 7 % combinations;
                let town = format!(
                    "{}{}",
                    PLACE_STEMS[pick / TOWN_ENDINGS.len()],
                    TOWN_ENDINGS[pick % TOWN_ENDINGS.len()]
                );
                if round == 0 {
                    town
                } else {
                    format!("{town} {}", round + 1)
                }
            })
            .collect();
        let mut region = Self {
            rng,
            number,
            name,
            towns,
            bodies: Vec::new(),
            issues: 0,
        };
        let mut w = store.begin().await?;
        region.create_bodies(w.as_mut()).await?;
        w.commit().await?;
        region
            .hold_meetings(store, budget, done_before, progress)
            .await
    }

    fn person_name(&mut self, prefix: &str) -> String {
        let first = FIRST_NAMES.choose(&mut self.rng).copied().unwrap_or("Sam");
        let last = SURNAMES.choose(&mut self.rng).copied().unwrap_or("Smith");
        if prefix.is_empty() {
            format!("{first} {last}")
        } else {
            format!("{prefix} {first} {last}")
        }
    }

    async fn organisation(
        &mut self,
        w: &mut dyn Writer,
        org: &str,
        kind: OrganisationKind,
        members: usize,
        member_prefix: &str,
    ) -> Result<OrgPeople> {
        let id = w
            .create_organisation(&Organisation {
                slug: Slug::from_name("slug", org)?,
                name: title(org)?,
                kind,
            })
            .await?;
        let mut people = OrgPeople {
            id,
            members: Vec::new(),
            officers: Vec::new(),
        };
        for _ in 0..members {
            let name = self.person_name(member_prefix);
            let job = if member_prefix.is_empty() {
                Some(title("Non-Executive Director")?)
            } else {
                None
            };
            let person = w
                .create_person(&Person {
                    name: title(&name)?,
                    job_title: job,
                })
                .await?;
            people.members.push((person, name));
        }
        let jobs = if member_prefix.is_empty() {
            NHS_OFFICERS
        } else {
            COUNCIL_OFFICERS
        };
        for job in jobs {
            let name = self.person_name("");
            let person = w
                .create_person(&Person {
                    name: title(&name)?,
                    job_title: Some(title(&format!("{job}, {org}"))?),
                })
                .await?;
            people.officers.push((person, name, job));
        }
        Ok(people)
    }

    #[allow(clippy::too_many_arguments)]
    async fn body(
        &mut self,
        w: &mut dyn Writer,
        owners: &[&OrgPeople],
        name: &str,
        kind: Kind,
        parent: Option<usize>,
        per_year: u32,
        weekday: Weekday,
        hour: u32,
        venue: &str,
    ) -> Result<usize> {
        let slug = Slug::from_name("slug", name)?;
        let organisations: Vec<OrganisationId> = owners.iter().map(|o| o.id).collect();
        let committee = Committee {
            slug,
            name: title(name)?,
            purpose: text(match kind {
                Kind::Council => {
                    "The full council: sets the budget and policy framework and appoints committees."
                }
                Kind::Cabinet => {
                    "Takes executive decisions, including key decisions, within the budget and policy framework."
                }
                Kind::Scrutiny => {
                    "Scrutinises executive decisions and the performance of services, and makes recommendations."
                }
                Kind::Board => {
                    "The board: sets strategy, holds the organisation to account and manages risk."
                }
                Kind::SubBoard => {
                    "Gives the board assurance on its area and escalates matters the board must act on."
                }
            })?,
            owners: if organisations.len() > 1 {
                CommitteeOwners::joint("owners", organisations)?
            } else {
                CommitteeOwners::Single(owners[0].id)
            },
            parent: parent.map(|p| self.bodies[p].id),
        };
        let id = w.create_committee(&committee).await?;
        let since = NaiveDate::from_ymd_opt(2015, 5, 21).unwrap_or_default();
        let mut members: Vec<(PersonId, String)> = Vec::new();
        for owner in owners {
            let take = (10 / owners.len()).max(2).min(owner.members.len());
            let start = self.rng.random_range(0..owner.members.len());
            for k in 0..take {
                members.push(owner.members[(start + k) % owner.members.len()].clone());
            }
        }
        for (k, (person, _)) in members.iter().enumerate() {
            let role = match k {
                0 => MembershipRole::Chair,
                1 => MembershipRole::ViceChair,
                _ if k % 7 == 6 => MembershipRole::CoOpted,
                _ => MembershipRole::Member,
            };
            w.create_membership(&Membership::new(*person, id, role, since, None)?)
                .await?;
        }
        let officers: Vec<_> = owners
            .iter()
            .flat_map(|o| o.officers.iter().take(4).cloned())
            .collect();
        for (person, _, _) in &officers {
            w.create_membership(&Membership::new(
                *person,
                id,
                MembershipRole::Officer,
                since,
                None,
            )?)
            .await?;
        }
        self.bodies.push(Body {
            id,
            name: name.to_owned(),
            kind,
            topics: if matches!(kind, Kind::Board | Kind::SubBoard) {
                NHS_TOPICS
            } else {
                COUNCIL_TOPICS
            },
            per_year,
            weekday,
            hour,
            venue: venue.to_owned(),
            organisation: owners[0].id,
            chair: members[0].clone(),
            members: members.into_iter().map(|(id, _)| id).collect(),
            officers,
            forwards_to: None,
            escalates_to: None,
            previous: None,
            issue_items: Vec::new(),
            escalations: Vec::new(),
        });
        Ok(self.bodies.len() - 1)
    }

    async fn create_bodies(&mut self, w: &mut dyn Writer) -> Result<()> {
        use Weekday::*;
        let region = self.name.clone();
        let towns = self.towns.clone();
        let county = self
            .organisation(
                w,
                &format!("{region} County Council"),
                OrganisationKind::CountyCouncil,
                30,
                "County Councillor",
            )
            .await?;
        let mut districts = Vec::new();
        for town in towns.iter().take(2) {
            districts.push(
                self.organisation(
                    w,
                    &format!("{town} Borough Council"),
                    OrganisationKind::DistrictCouncil,
                    18,
                    "Councillor",
                )
                .await?,
            );
        }
        let icb = self
            .organisation(
                w,
                &format!("NHS {region} Integrated Care Board"),
                OrganisationKind::IntegratedCareBoard,
                10,
                "",
            )
            .await?;
        let trust = self
            .organisation(
                w,
                &format!("{region} Teaching Hospitals NHS Foundation Trust"),
                OrganisationKind::NhsTrust,
                10,
                "",
            )
            .await?;
        let community = self
            .organisation(
                w,
                &format!("{} and {region} Community Health NHS Trust", towns[2]),
                OrganisationKind::NhsTrust,
                8,
                "",
            )
            .await?;

        let hall = format!("County Hall, {}", towns[0]);
        let council = self
            .body(
                w,
                &[&county],
                &format!("{region} County Council"),
                Kind::Council,
                None,
                6,
                Thu,
                14,
                &hall,
            )
            .await?;
        let cabinet = self
            .body(
                w,
                &[&county],
                &format!("{region} Cabinet"),
                Kind::Cabinet,
                Some(council),
                10,
                Thu,
                10,
                &hall,
            )
            .await?;
        let scrutiny = self
            .body(
                w,
                &[&county],
                &format!("{region} Executive Scrutiny Committee"),
                Kind::Scrutiny,
                Some(council),
                9,
                Tue,
                10,
                &hall,
            )
            .await?;
        let health_scrutiny = self
            .body(
                w,
                &[&county],
                &format!("{region} Health Scrutiny Committee"),
                Kind::Scrutiny,
                Some(council),
                6,
                Wed,
                10,
                &hall,
            )
            .await?;
        let audit = self
            .body(
                w,
                &[&county],
                &format!("{region} Audit, Risk and Governance Committee"),
                Kind::Scrutiny,
                Some(council),
                5,
                Mon,
                14,
                &hall,
            )
            .await?;
        self.bodies[scrutiny].forwards_to = Some(cabinet);
        self.bodies[health_scrutiny].forwards_to = Some(cabinet);
        self.bodies[audit].forwards_to = Some(council);
        self.bodies[cabinet].forwards_to = Some(council);

        for (district, town) in districts.iter().zip(&towns) {
            let hall = format!("Town Hall, {town}");
            let full = self
                .body(
                    w,
                    &[district],
                    &format!("{town} Borough Council"),
                    Kind::Council,
                    None,
                    6,
                    Wed,
                    18,
                    &hall,
                )
                .await?;
            let cab = self
                .body(
                    w,
                    &[district],
                    &format!("{town} Cabinet"),
                    Kind::Cabinet,
                    Some(full),
                    8,
                    Wed,
                    18,
                    &hall,
                )
                .await?;
            let oss = self
                .body(
                    w,
                    &[district],
                    &format!("{town} Overview and Scrutiny Committee"),
                    Kind::Scrutiny,
                    Some(full),
                    7,
                    Tue,
                    18,
                    &hall,
                )
                .await?;
            self.body(
                w,
                &[district],
                &format!("{town} Planning Committee"),
                Kind::Scrutiny,
                Some(full),
                11,
                Mon,
                18,
                &hall,
            )
            .await?;
            self.bodies[oss].forwards_to = Some(cab);
            self.bodies[cab].forwards_to = Some(full);
        }

        let hq = format!("Board Room, ICB Headquarters, {}", towns[1]);
        let icb_board = self
            .body(
                w,
                &[&icb],
                &format!("NHS {region} ICB Board"),
                Kind::Board,
                None,
                8,
                Wed,
                13,
                &hq,
            )
            .await?;
        let icb_finance = self
            .body(
                w,
                &[&icb],
                &format!("NHS {region} ICB Finance and Performance Committee"),
                Kind::SubBoard,
                Some(icb_board),
                11,
                Mon,
                9,
                &hq,
            )
            .await?;
        let icb_quality = self
            .body(
                w,
                &[&icb],
                &format!("NHS {region} ICB Quality Committee"),
                Kind::SubBoard,
                Some(icb_board),
                10,
                Tue,
                13,
                &hq,
            )
            .await?;
        let workforce = self
            .body(
                w,
                &[&icb],
                &format!("NHS {region} System Workforce Group"),
                Kind::SubBoard,
                Some(icb_board),
                10,
                Fri,
                10,
                &hq,
            )
            .await?;
        let trust_hq = format!("Trust Headquarters, {}", towns[0]);
        let trust_board = self
            .body(
                w,
                &[&trust],
                &format!("{region} Teaching Hospitals Board of Directors"),
                Kind::Board,
                None,
                10,
                Thu,
                9,
                &trust_hq,
            )
            .await?;
        let trust_finance = self
            .body(
                w,
                &[&trust],
                &format!("{region} Teaching Hospitals Finance and Performance Committee"),
                Kind::SubBoard,
                Some(trust_board),
                11,
                Tue,
                9,
                &trust_hq,
            )
            .await?;
        let community_board = self
            .body(
                w,
                &[&community],
                &format!("{} and {region} Community Health Board", towns[2]),
                Kind::Board,
                None,
                8,
                Thu,
                13,
                &trust_hq,
            )
            .await?;

        let mut partners: Vec<&OrgPeople> = vec![&county, &icb, &trust, &community];
        partners.extend(districts.iter());
        let partnership = self
            .body(
                w,
                &partners,
                &format!("{region} Integrated Care Partnership Board"),
                Kind::Board,
                None,
                6,
                Mon,
                14,
                &hq,
            )
            .await?;
        let wellbeing = self
            .body(
                w,
                &[&county, &icb],
                &format!("{region} Health and Wellbeing Board"),
                Kind::Board,
                Some(partnership),
                6,
                Wed,
                14,
                &hall,
            )
            .await?;
        let uec = self
            .body(
                w,
                &[&icb, &trust, &community, &county],
                &format!("{region} Urgent and Emergency Care Board"),
                Kind::SubBoard,
                Some(partnership),
                12,
                Fri,
                9,
                &hq,
            )
            .await?;

        for sub in [icb_finance, icb_quality, workforce] {
            self.bodies[sub].forwards_to = Some(icb_board);
            self.bodies[sub].escalates_to = Some(partnership);
        }
        self.bodies[trust_finance].forwards_to = Some(trust_board);
        self.bodies[trust_finance].escalates_to = Some(trust_board);
        self.bodies[uec].escalates_to = Some(partnership);
        self.bodies[wellbeing].escalates_to = Some(partnership);
        self.bodies[community_board].escalates_to = Some(partnership);
        Ok(())
    }

    /// Every meeting date of every body from 1990 to half a year after the reference date.
    fn schedule(&mut self) -> Vec<(NaiveDate, usize)> {
        let end = reference_date() + Duration::days(200);
        let mut all = Vec::new();
        for (index, body) in self.bodies.iter().enumerate() {
            let step = 365 / i64::from(body.per_year);
            let mut day = NaiveDate::from_ymd_opt(1990, 1, 8).unwrap_or_default()
                + Duration::days(self.rng.random_range(0..step));
            while day < end {
                let mut date = day + Duration::days(self.rng.random_range(-3..=3));
                while date.weekday() != body.weekday {
                    date += Duration::days(1);
                }
                let recess = date.month() == 8
                    && matches!(body.kind, Kind::Council | Kind::Cabinet | Kind::Scrutiny);
                if !recess {
                    all.push((date, index));
                }
                day += Duration::days(step);
            }
        }
        all.sort();
        all.dedup_by(|a, b| a.0 == b.0 && a.1 == b.1);
        all
    }

    async fn hold_meetings(
        &mut self,
        store: &dyn Store,
        budget: u64,
        done_before: u64,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let schedule = self.schedule();
        let today = reference_date();
        let published_until = today + Duration::days(14);
        // Keep the latest meetings: all of the future, and as much past as the budget allows.
        let future = schedule
            .iter()
            .filter(|(d, _)| *d >= published_until)
            .count();
        let wanted =
            usize::try_from(budget.div_ceil(ITEMS_PER_MEETING)).unwrap_or(usize::MAX) + future;
        let kept = &schedule[schedule.len().saturating_sub(wanted)..];
        // The date each meeting's committee next meets, when its minutes are signed off.
        let mut next_meeting = vec![None; kept.len()];
        let mut following: Vec<Option<NaiveDate>> = vec![None; self.bodies.len()];
        for (n, (date, index)) in kept.iter().enumerate().rev() {
            next_meeting[n] = following[*index];
            following[*index] = Some(*date);
        }
        let mut written = 0;
        let mut w = store.begin().await?;
        for (n, (date, index)) in kept.iter().enumerate() {
            let remaining = budget.saturating_sub(written);
            let signed_on = next_meeting[n].filter(|next| *next < today);
            written += self
                .meeting(
                    w.as_mut(),
                    *date,
                    *index,
                    signed_on,
                    today,
                    published_until,
                    remaining,
                )
                .await?;
            if n % MEETINGS_PER_COMMIT == MEETINGS_PER_COMMIT - 1 {
                w.commit().await?;
                progress(done_before + written);
                w = store.begin().await?;
            }
        }
        w.commit().await?;
        Ok(written)
    }

    fn officer(&mut self, index: usize) -> (PersonId, String, &'static str) {
        let officers = &self.bodies[index].officers;
        officers[self.rng.random_range(0..officers.len())].clone()
    }

    fn fill(&mut self, template: &str, index: usize, date: NaiveDate, topic: &str) -> String {
        let (_, officer, job) = self.officer(index);
        let n = self.rng.random_range(2..60).to_string();
        let place = self
            .towns
            .choose(&mut self.rng)
            .cloned()
            .unwrap_or_default();
        template
            .replace("{officer}", &officer)
            .replace("{job}", job)
            .replace("{committee}", &self.bodies[index].name)
            .replace("{topic}", topic)
            .replace("{fy}", &financial_year(date))
            .replace("{m}", &(((date.month() + 8) % 12) + 1).to_string())
            .replace("{place}", &place)
            .replace("{n}", &n)
    }

    fn minutes_for(&mut self, index: usize, date: NaiveDate, topic: &str) -> Result<Minutes> {
        let opening = OPENING_SENTENCES
            .choose(&mut self.rng)
            .copied()
            .unwrap_or_default();
        let mut paragraphs = vec![self.fill(opening, index, date, &topic.to_lowercase())];
        for _ in 0..self.rng.random_range(1..4) {
            let sentence = BODY_SENTENCES
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default();
            paragraphs.push(self.fill(sentence, index, date, topic));
        }
        let mut points = Vec::new();
        for _ in 0..self.rng.random_range(1..4) {
            let point = RESOLUTIONS
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default();
            let point = self.fill(point, index, date, topic);
            if !points.contains(&point) {
                points.push(point);
            }
        }
        Ok(Minutes {
            text: text(&paragraphs.join("\n\n"))?,
            resolution: Resolution::new(
                points.iter().map(|p| text(p)).collect::<Result<_>>()?,
                Text::default(),
            ),
        })
    }

    /// Writes one meeting with its agenda and everything recorded at it; returns its item count.
    /// `signed_on` is the date of the next meeting, which signs off this one's minutes.
    #[allow(clippy::too_many_arguments)]
    async fn meeting(
        &mut self,
        w: &mut dyn Writer,
        date: NaiveDate,
        index: usize,
        signed_on: Option<NaiveDate>,
        today: NaiveDate,
        published_until: NaiveDate,
        remaining: u64,
    ) -> Result<u64> {
        let held = date < today;
        let status = match (held, signed_on) {
            (true, Some(_)) => MeetingStatus::MinutesSignedOff,
            (true, None) => MeetingStatus::MinutesDraft,
            (false, _) if date < published_until => MeetingStatus::AgendaPublished,
            (false, _) => MeetingStatus::Scheduled,
        };
        let body = &self.bodies[index];
        let start = time::london_to_utc(
            "meeting.start",
            date.and_time(NaiveTime::from_hms_opt(body.hour, 0, 0).unwrap_or_default()),
        )?;
        let end = start + Duration::minutes(self.rng.random_range(75..210));
        // Agendas go out a week ahead, at nine in the morning.
        let agenda_published = match status {
            MeetingStatus::Scheduled => None,
            _ => Some(time::london_to_utc(
                "meeting.agenda_published",
                (date - Duration::days(7))
                    .min(today)
                    .and_time(NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default()),
            )?),
        };
        let venue = if self.rng.random_bool(0.08) {
            VENUES[5].to_owned()
        } else {
            body.venue.clone()
        };
        let meeting = w
            .create_meeting(&Meeting {
                committee: body.id,
                times: MeetingTimes::new(start, Some(end))?,
                location: Some(title(&venue)?),
                status,
                agenda_published,
            })
            .await?;

        let previous = self.bodies[index].previous.replace((meeting, date, held));
        if let Some(on) = signed_on {
            let (chair, chair_name) = self.bodies[index].chair.clone();
            w.create_sign_off(
                meeting,
                &SignOff::new(1, title(&chair_name)?, Some(chair), on, None)?,
            )
            .await?;
        }
        // The executive gives notice of its key decisions on the forward plan, 28 clear days
        // ahead as a rule, sometimes less.
        if self.bodies[index].kind == Kind::Cabinet && date >= today - Duration::days(120) {
            for _ in 0..self.rng.random_range(1..4) {
                let template = self.bodies[index]
                    .topics
                    .choose(&mut self.rng)
                    .copied()
                    .unwrap_or("Update");
                let name = self.fill(template, index, date, "");
                let notice = if self.rng.random_bool(0.1) {
                    self.rng.random_range(10..25)
                } else {
                    self.rng.random_range(30..75)
                };
                w.create_forward_plan_entry(&ForwardPlanEntry {
                    title: title(&name)?,
                    decision_maker: self.bodies[index].id,
                    issue: None,
                    published_on: date - Duration::days(notice),
                    expected_on: date,
                })
                .await?;
            }
        }
        if status == MeetingStatus::Scheduled {
            return Ok(0);
        }

        if held {
            let members = self.bodies[index].members.clone();
            for person in members {
                let roll = self.rng.random_range(0..100);
                let kind = match roll {
                    0..85 => AttendanceKind::Present,
                    85..95 => AttendanceKind::Apologies,
                    _ => AttendanceKind::Absent,
                };
                w.record_attendance(meeting, person, kind).await?;
            }
            for _ in 0..2 {
                let (officer, _, _) = self.officer(index);
                w.record_attendance(meeting, officer, AttendanceKind::InAttendance)
                    .await?;
            }
        }

        let mut items: Vec<Planned> = vec![
            Planned::Standard(
                "Apologies for absence",
                "Apologies were received as recorded above.",
            ),
            Planned::Standard(
                "Declarations of interest",
                "No declarations of interest were made.",
            ),
        ];
        if let Some((_, previous_date, _)) = previous {
            items.push(Planned::PreviousMinutes(previous_date));
        }
        for (issue, topic) in std::mem::take(&mut self.bodies[index].issue_items) {
            items.push(Planned::Issue(issue, topic));
        }
        for (from, from_title, reason) in std::mem::take(&mut self.bodies[index].escalations) {
            items.push(Planned::Escalated(from, from_title, reason));
        }
        let business = self
            .rng
            .random_range(3..8)
            .min(remaining.saturating_sub(items.len() as u64).max(1) as usize);
        for _ in 0..business {
            let template = self.bodies[index]
                .topics
                .choose(&mut self.rng)
                .copied()
                .unwrap_or("Update");
            let topic = self.fill(template, index, date, "");
            items.push(Planned::Business(topic));
        }
        if self.rng.random_bool(0.07) {
            items.push(Planned::Exempt);
        }

        let count = items.len() as u64;
        for (k, planned) in items.into_iter().enumerate() {
            let position = u32::try_from(k + 1).unwrap_or(u32::MAX);
            self.item(w, meeting, date, index, position, planned, held, today)
                .await?;
        }
        if held && self.rng.random_bool(0.08) {
            let person = self.bodies[index].members[0];
            w.create_declaration(
                meeting,
                &Declaration {
                    person,
                    item: None,
                    kind: InterestKind::OtherRegistrable,
                    description: text("Is a member of the board of a partner organisation.")?,
                },
            )
            .await?;
        }
        Ok(count)
    }
}

/// An item the generator has decided to put on an agenda.
enum Planned {
    Standard(&'static str, &'static str),
    PreviousMinutes(NaiveDate),
    Issue(IssueId, String),
    Escalated(ItemId, String, String),
    Business(String),
    Exempt,
}

const EXEMPT_TITLES: &[&str] = &[
    "Disposal of Land at {place}",
    "Contract Award: Domiciliary Care Framework",
    "Staffing Matter",
    "Acquisition of Property in {place}",
    "Legal Proceedings Update",
];

impl Region {
    #[allow(clippy::too_many_arguments)]
    async fn item(
        &mut self,
        w: &mut dyn Writer,
        meeting: MeetingId,
        date: NaiveDate,
        index: usize,
        position: u32,
        planned: Planned,
        held: bool,
        today: NaiveDate,
    ) -> Result<()> {
        let number = ItemNumber::parse("number", &position.to_string())?;
        let new_item = |item_title: &str, issue, visibility| -> Result<AgendaItem> {
            Ok(AgendaItem {
                meeting,
                position,
                number: number.clone(),
                title: title(item_title)?,
                issue,
                visibility,
            })
        };
        match planned {
            Planned::Standard(name, said) => {
                let item = w
                    .create_item(&new_item(name, None, Visibility::Public)?)
                    .await?;
                if held {
                    w.create_minutes(
                        item,
                        1,
                        &Minutes {
                            text: text(said)?,
                            resolution: Resolution::default(),
                        },
                    )
                    .await?;
                }
            }
            Planned::PreviousMinutes(previous) => {
                let name = format!(
                    "Minutes of the Meeting held on {}",
                    time::uk_short_date(previous)
                );
                let item = w
                    .create_item(&new_item(&name, None, Visibility::Public)?)
                    .await?;
                if held {
                    let point = format!(
                        "the minutes of the meeting held on {} be confirmed as a correct record and signed by the Chair",
                        time::uk_short_date(previous)
                    );
                    let minutes = Minutes {
                        text: Text::default(),
                        resolution: Resolution::new(vec![text(&point)?], Text::default()),
                    };
                    w.create_minutes(item, 1, &minutes).await?;
                }
            }
            Planned::Escalated(from, from_title, reason) => {
                let item = w
                    .create_item(&new_item(&from_title, None, Visibility::Public)?)
                    .await?;
                w.create_escalation(&Escalation {
                    from_item: from,
                    to_committee: self.bodies[index].id,
                    reason: text(&reason)?,
                    state: if held {
                        EscalationState::Considered
                    } else {
                        EscalationState::Accepted
                    },
                    target_item: Some(item),
                    decline_reason: None,
                    considered_on: held.then_some(date),
                })
                .await?;
                if held {
                    let said = format!(
                        "The {} considered the matter escalated to it: {reason} Partners agreed a joint response.",
                        self.bodies[index].name
                    );
                    let minutes = Minutes {
                        text: text(&said)?,
                        resolution: Resolution::new(
                            vec![text(
                                "a system-wide response be coordinated by the partnership",
                            )?],
                            Text::default(),
                        ),
                    };
                    w.create_minutes(item, 1, &minutes).await?;
                }
            }
            Planned::Exempt => {
                let template = EXEMPT_TITLES
                    .choose(&mut self.rng)
                    .copied()
                    .unwrap_or("Staffing Matter");
                let name = self.fill(template, index, date, "");
                let ground = if matches!(self.bodies[index].kind, Kind::Board | Kind::SubBoard) {
                    ExemptGround::Other(title(
                        "Commercial interests (Freedom of Information Act 2000, s.43)",
                    )?)
                } else {
                    ExemptGround::schedule_12a(
                        "ground",
                        if name.starts_with("Staffing") { 1 } else { 3 },
                    )?
                };
                let visibility = Visibility::Exempt(Exemption {
                    ground,
                    review_on: Some(date + Duration::days(365)),
                });
                let item = w
                    .create_item(&new_item(&name, None, visibility.clone())?)
                    .await?;
                self.document(w, item, &name, date, visibility).await?;
                if held {
                    let minutes = self.minutes_for(index, date, &name)?;
                    w.create_minutes(item, 1, &minutes).await?;
                    // Executives decide exempt business in private; the decision is exempt with it.
                    if matches!(self.bodies[index].kind, Kind::Cabinet | Kind::Board)
                        && self.rng.random_bool(0.6)
                    {
                        w.create_decision(&Decision {
                            item: Some(item),
                            maker: DecisionMaker::Committee(self.bodies[index].id),
                            decided_on: date,
                            title: title(&format!("{name}: decision"))?,
                            text: text("Resolved: That the recommendations in the exempt report be approved.")?,
                            key_decision: false,
                            call_in: CallIn::NotSubject,
                            status: DecisionStatus::Implemented,
                        })
                        .await?;
                    }
                }
            }
            Planned::Issue(issue, topic) => {
                let item = w
                    .create_item(&new_item(&topic, Some(issue), Visibility::Public)?)
                    .await?;
                self.business(
                    w,
                    meeting,
                    item,
                    &topic,
                    Some(issue),
                    date,
                    index,
                    held,
                    today,
                )
                .await?;
            }
            Planned::Business(topic) => {
                let kind = self.bodies[index].kind;
                let starts_issue = held
                    && self.bodies[index].forwards_to.is_some()
                    && matches!(kind, Kind::Scrutiny | Kind::SubBoard)
                    && self.rng.random_bool(0.3);
                let issue = if starts_issue {
                    self.issues += 1;
                    let reference =
                        format!("{}/{}/{:04}", self.short_name(), date.year(), self.issues);
                    Some(
                        w.create_issue(&Issue {
                            title: title(&topic)?,
                            reference: Some(title(&reference)?),
                            summary: text(&format!(
                                "{topic}: considered by {} and the bodies it reports to.",
                                self.bodies[index].name
                            ))?,
                        })
                        .await?,
                    )
                } else {
                    None
                };
                let item = w
                    .create_item(&new_item(&topic, issue, Visibility::Public)?)
                    .await?;
                self.business(w, meeting, item, &topic, issue, date, index, held, today)
                    .await?;
            }
        }
        Ok(())
    }

    fn short_name(&self) -> String {
        let initials: String = self.name.chars().filter(char::is_ascii_uppercase).collect();
        format!("{initials}{}", self.number + 1)
    }

    async fn document(
        &mut self,
        w: &mut dyn Writer,
        item: ItemId,
        topic: &str,
        date: NaiveDate,
        visibility: Visibility,
    ) -> Result<()> {
        let content = format!("witan demo {}/{}/{topic}/{date}", self.number, item.get());
        let digest: [u8; 32] = sha2::Sha256::digest(content.as_bytes()).into();
        let summary = BODY_SENTENCES
            .choose(&mut self.rng)
            .copied()
            .unwrap_or_default();
        w.create_document(&Document {
            item: Some(item),
            issue: None,
            name: title(&format!("{topic} - report"))?,
            media_type: MediaType::parse("media_type", "application/pdf")?,
            size_bytes: self.rng.random_range(40_000..2_500_000),
            sha256: Some(Sha256::from_bytes(&digest)),
            text: text(&format!(
                "{topic}. {}",
                summary
                    .replace("{n}", "12")
                    .replace("{fy}", &financial_year(date))
            ))?,
            visibility,
        })
        .await?;
        Ok(())
    }

    /// The substance of a business item: report, minutes, decisions, actions, and where it goes next.
    #[allow(clippy::too_many_arguments)]
    async fn business(
        &mut self,
        w: &mut dyn Writer,
        meeting: MeetingId,
        item: ItemId,
        topic: &str,
        issue: Option<IssueId>,
        date: NaiveDate,
        index: usize,
        held: bool,
        today: NaiveDate,
    ) -> Result<()> {
        if self.rng.random_bool(0.75) {
            self.document(w, item, topic, date, Visibility::Public)
                .await?;
        }
        if !held {
            return Ok(());
        }
        let minutes = self.minutes_for(index, date, topic)?;
        w.create_minutes(item, 1, &minutes).await?;
        let kind = self.bodies[index].kind;
        let committee = self.bodies[index].id;

        let decides = match kind {
            Kind::Cabinet => 0.7,
            Kind::Council => 0.5,
            Kind::Board => 0.3,
            Kind::Scrutiny | Kind::SubBoard => 0.0,
        };
        if self.rng.random_bool(decides) {
            let key = kind == Kind::Cabinet && self.rng.random_bool(0.4);
            let call_in = if kind == Kind::Cabinet {
                CallIn::Subject {
                    deadline: time::add_working_days(date, 5),
                }
            } else {
                CallIn::NotSubject
            };
            let settled = call_in.deadline().unwrap_or(date) + Duration::days(30) < today;
            let status = match (settled, self.rng.random_range(0..100)) {
                (false, _) => DecisionStatus::Made,
                (true, 0..3) => DecisionStatus::Rescinded,
                (true, _) => DecisionStatus::Implemented,
            };
            let resolution = minutes
                .resolution
                .points
                .first()
                .map(Text::as_str)
                .unwrap_or("the report be noted");
            w.create_decision(&Decision {
                item: Some(item),
                maker: DecisionMaker::Committee(committee),
                decided_on: date,
                title: title(&format!("{topic}: decision"))?,
                text: text(&format!("Resolved: That {resolution}."))?,
                key_decision: key,
                call_in,
                status,
            })
            .await?;
        }

        if matches!(kind, Kind::Board | Kind::SubBoard | Kind::Scrutiny)
            && self.rng.random_bool(0.35)
        {
            for _ in 0..self.rng.random_range(1..3) {
                self.action(w, meeting, item, topic, date, index, today)
                    .await?;
            }
        }

        if let Some(target) = self.bodies[index].escalates_to
            && self.rng.random_bool(0.06)
        {
            let reason = ESCALATION_REASONS
                .choose(&mut self.rng)
                .copied()
                .unwrap_or_default()
                .to_owned();
            let from_title = format!("Escalated from {}: {topic}", self.bodies[index].name);
            self.bodies[target]
                .escalations
                .push((item, from_title, reason));
        }
        if let (Some(issue), Some(next)) = (issue, self.bodies[index].forwards_to) {
            let onward = kind != Kind::Cabinet || self.rng.random_bool(0.4);
            if onward {
                self.bodies[next]
                    .issue_items
                    .push((issue, topic.to_owned()));
            }
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    async fn action(
        &mut self,
        w: &mut dyn Writer,
        meeting: MeetingId,
        item: ItemId,
        topic: &str,
        date: NaiveDate,
        index: usize,
        today: NaiveDate,
    ) -> Result<()> {
        let template = ACTIONS.choose(&mut self.rng).copied().unwrap_or_default();
        let description = self.fill(template, index, date, &topic.to_lowercase());
        let owner = if self.rng.random_bool(0.7) {
            ActionOwner::Person(self.officer(index).0)
        } else {
            ActionOwner::Organisation(self.bodies[index].organisation)
        };
        let due = date + Duration::days(self.rng.random_range(30..120));
        let closed_on = if due < today && self.rng.random_bool(0.85) {
            let closed = due + Duration::days(self.rng.random_range(-20..25));
            Some(closed.clamp(date + Duration::days(1), today - Duration::days(1)))
        } else {
            None
        };
        let status = match closed_on {
            None => ActionStatus::Open,
            Some(_) if self.rng.random_bool(0.1) => ActionStatus::Dropped,
            Some(_) => ActionStatus::Done,
        };
        let mut rag = *[Rag::Red, Rag::Amber, Rag::Green, Rag::Green]
            .choose(&mut self.rng)
            .unwrap_or(&Rag::Green);
        let last = closed_on.unwrap_or(today).min(today);
        let span = (last - date).num_days();
        let mut updates = Vec::new();
        if span > 7 {
            for _ in 0..self.rng.random_range(0..3) {
                let on = date + Duration::days(self.rng.random_range(1..span));
                let note = UPDATES.choose(&mut self.rng).copied().unwrap_or_default();
                let rerated = [None, Some(Rag::Amber), Some(Rag::Green)]
                    .choose(&mut self.rng)
                    .copied()
                    .flatten();
                updates.push(ActionUpdate {
                    on,
                    text: text(note)?,
                    rag: rerated,
                });
            }
        }
        updates.sort_by_key(|u| u.on);
        // The action carries the rating of its latest update that gave one.
        if let Some(latest) = updates.iter().rev().find_map(|u| u.rag) {
            rag = latest;
        }
        let action = w
            .create_action(&Action {
                meeting,
                item: Some(item),
                description: text(&description)?,
                owner: Some(owner),
                due_on: Some(due),
                status,
                rag,
                closed_on,
            })
            .await?;
        for update in &updates {
            w.create_action_update(action, update).await?;
        }
        Ok(())
    }
}
