//! Roles a person holds in a commune. Everyone is a resident; the commune makes some people
//! hamlet heads (of one hamlet) or officers.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// người dân: implicit, never stored
    Resident,
    /// trưởng xóm, of one hamlet
    HamletHead,
    /// công chức Văn hóa – Xã hội
    CultureOfficer,
    /// viên chức Khuyến nông
    AgriOfficer,
    /// lãnh đạo UBND xã
    Leader,
    /// đại diện tổ chức chính trị – xã hội (Hội Nông dân, Hội Phụ nữ…), for a named org
    OrgRep,
    /// đại diện doanh nghiệp, hợp tác xã: leads value-chain linkage projects
    BusinessRep,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Resident,
        Role::HamletHead,
        Role::CultureOfficer,
        Role::AgriOfficer,
        Role::Leader,
        Role::OrgRep,
        Role::BusinessRep,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Resident => "resident",
            Role::HamletHead => "hamlet_head",
            Role::CultureOfficer => "culture_officer",
            Role::AgriOfficer => "agri_officer",
            Role::Leader => "leader",
            Role::OrgRep => "org_rep",
            Role::BusinessRep => "business_rep",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Officers of the commune see and act on every hamlet.
    pub fn is_officer(self) -> bool {
        matches!(
            self,
            Role::CultureOfficer | Role::AgriOfficer | Role::Leader
        )
    }
}

impl std::str::FromStr for Role {
    type Err = String;
    fn from_str(s: &str) -> Result<Role, String> {
        Role::from_code(s).ok_or_else(|| {
            // Everyone is a resident already: only the roles one can grant.
            let all: Vec<_> = Role::ALL.iter().skip(1).map(|r| r.code()).collect();
            format!("unknown role `{s}`; one of: {}", all.join(", "))
        })
    }
}
