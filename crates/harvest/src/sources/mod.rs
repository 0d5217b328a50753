//! The sources' own responses, mapped into deposits.
