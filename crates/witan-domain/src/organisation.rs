use crate::{Slug, Term, Title};

/// A public body: a county council, an NHS trust, an integrated care board. OParl `Body`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Organisation {
    pub slug: Slug,
    pub name: Title,
    pub kind: OrganisationKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    CountyCouncil,
    DistrictCouncil,
    UnitaryCouncil,
    IntegratedCareBoard,
    NhsTrust,
    ClinicalCommissioningGroup,
    Other,
}

impl Term for OrganisationKind {
    const WHAT: &'static str = "organisation kind";
    const ALL: &'static [Self] = &[
        Self::CountyCouncil,
        Self::DistrictCouncil,
        Self::UnitaryCouncil,
        Self::IntegratedCareBoard,
        Self::NhsTrust,
        Self::ClinicalCommissioningGroup,
        Self::Other,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::CountyCouncil => "county_council",
            Self::DistrictCouncil => "district_council",
            Self::UnitaryCouncil => "unitary_council",
            Self::IntegratedCareBoard => "integrated_care_board",
            Self::NhsTrust => "nhs_trust",
            Self::ClinicalCommissioningGroup => "clinical_commissioning_group",
            Self::Other => "other",
        }
    }
}

impl OrganisationKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::CountyCouncil => "County council",
            Self::DistrictCouncil => "District council",
            Self::UnitaryCouncil => "Unitary council",
            Self::IntegratedCareBoard => "Integrated care board",
            Self::NhsTrust => "NHS trust",
            Self::ClinicalCommissioningGroup => "Clinical commissioning group",
            Self::Other => "Other public body",
        }
    }
}
