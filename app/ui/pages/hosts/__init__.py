"""The Hosts page: remote GPU servers watched over SSH, an overview row each and their own Dashboard."""
