//! Plan types and the product tier each belongs to (reference §1.6). The tier decides what an
//! organization may do: sponsor (Enterprise), be sponsored (Families), hold a billing sync token
//! (Enterprise or Teams).

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductTier {
    Free,
    Families,
    Teams,
    Enterprise,
    TeamsStarter,
}

impl ProductTier {
    pub fn code(self) -> i32 {
        match self {
            Self::Free => 0,
            Self::Families => 1,
            Self::Teams => 2,
            Self::Enterprise => 3,
            Self::TeamsStarter => 4,
        }
    }
}

/// The tier of a plan type, or `None` for a number no plan has.
pub fn tier_of(plan_type: i32) -> Option<ProductTier> {
    match plan_type {
        0 | 6 => Some(ProductTier::Free),
        1 | 7 | 22 => Some(ProductTier::Families),
        16 | 21 => Some(ProductTier::TeamsStarter),
        2 | 3 | 8 | 9 | 12 | 13 | 17 | 18 => Some(ProductTier::Teams),
        4 | 5 | 10 | 11 | 14 | 15 | 19 | 20 => Some(ProductTier::Enterprise),
        _ => None,
    }
}

/// Seats an organization gets on creation: the plan's included seats plus those bought.
/// Teams and Enterprise include none, so at least one must be bought.
pub fn seats_for(plan_type: i32, additional_seats: i32) -> Result<i32, &'static str> {
    let tier = tier_of(plan_type).ok_or("Invalid plan type.")?;
    if additional_seats < 0 {
        return Err("You can't subtract seats.");
    }
    let included = match tier {
        ProductTier::Free => 2,
        ProductTier::Families => 6,
        ProductTier::TeamsStarter => 10,
        ProductTier::Teams | ProductTier::Enterprise => 0,
    };
    match tier {
        ProductTier::Free | ProductTier::Families | ProductTier::TeamsStarter
            if additional_seats > 0 =>
        {
            Err("Plan does not allow additional users.")
        }
        ProductTier::Teams | ProductTier::Enterprise if additional_seats == 0 => {
            Err("You do not have any seats!")
        }
        _ => Ok(included + additional_seats),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_follow_the_reference_table() {
        assert_eq!(tier_of(0), Some(ProductTier::Free));
        assert_eq!(tier_of(6), Some(ProductTier::Free));
        for families in [1, 7, 22] {
            assert_eq!(tier_of(families), Some(ProductTier::Families));
        }
        for teams in [2, 3, 8, 9, 12, 13, 17, 18] {
            assert_eq!(tier_of(teams), Some(ProductTier::Teams));
        }
        for starter in [16, 21] {
            assert_eq!(tier_of(starter), Some(ProductTier::TeamsStarter));
        }
        for enterprise in [4, 5, 10, 11, 14, 15, 19, 20] {
            assert_eq!(tier_of(enterprise), Some(ProductTier::Enterprise));
        }
        assert_eq!(tier_of(23), None);
        assert_eq!(tier_of(-1), None);
    }

    #[test]
    fn seats() {
        assert_eq!(seats_for(0, 0), Ok(2));
        assert_eq!(seats_for(22, 0), Ok(6));
        assert!(seats_for(22, 1).is_err());
        assert_eq!(seats_for(20, 10), Ok(10));
        assert!(seats_for(20, 0).is_err());
        assert!(seats_for(20, -1).is_err());
        assert!(seats_for(99, 1).is_err());
    }
}
