//! Roles a person holds in a commune. Everyone is a resident; the commune makes some people
//! hamlet heads (of one hamlet) or officers.

use serde::{Deserialize, Serialize};

use super::codes::codes;

codes! {
    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Role {
        /// người dân: implicit, never stored
        Resident => "resident",
        /// trưởng xóm, of one hamlet
        HamletHead => "hamlet_head",
        /// công chức Văn hóa – Xã hội
        CultureOfficer => "culture_officer",
        /// viên chức Khuyến nông
        AgriOfficer => "agri_officer",
        /// lãnh đạo UBND xã
        Leader => "leader",
        /// đại diện tổ chức chính trị – xã hội (Hội Nông dân, Hội Phụ nữ…), for a named org
        OrgRep => "org_rep",
        /// đại diện doanh nghiệp, hợp tác xã: leads value-chain linkage projects
        BusinessRep => "business_rep",
    }
}

impl Role {
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
