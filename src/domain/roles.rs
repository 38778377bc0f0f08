//! Roles a person holds in a commune. Everyone is a resident; the commune makes some people
//! hamlet heads (of one hamlet) or officers; a group makes the account of the household it
//! chose its leader. The province's officers (the upper level) are granted a role in a
//! commune of the province that covers every commune of it.

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
        /// cán bộ cấp tỉnh (or of a city: the level's name is a setting): the province's
        /// officers, over every commune of the province; not an officer of any commune
        UpperLevel => "upper_level",
        /// trưởng nhóm: implicit, never stored or granted; held while a household one
        /// registered is the chosen leader of a community group
        GroupLeader => "group_leader",
    }
}

impl Role {
    /// Given by the commune (`grant`, an invite) and stored: not the resident everyone is,
    /// nor the group leader a group makes.
    pub fn is_granted(self) -> bool {
        !matches!(self, Role::Resident | Role::GroupLeader)
    }

    /// Officers of the commune see and act on every hamlet. The upper level is not one: it
    /// reviews no household and sees no household's personal data.
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
        // Everyone is a resident already, and a group chooses its leader: only the roles
        // one can grant.
        Role::from_code(s)
            .filter(|r| r.is_granted())
            .ok_or_else(|| {
                let all: Vec<_> = Role::ALL
                    .iter()
                    .filter(|r| r.is_granted())
                    .map(|r| r.code())
                    .collect();
                format!("unknown role `{s}`; one of: {}", all.join(", "))
            })
    }
}
