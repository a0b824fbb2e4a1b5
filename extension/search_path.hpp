// The search_path every pactflow function runs under. Functions get it from their SET clause (the update
// script); the two procedures cannot have one (PostgreSQL forbids transaction control under a SET clause), so
// they call pin_search_path() at the start of each of their transactions: at the start of the CALL and after
// every SPI_commit() / SPI_rollback(), which start a new transaction with the caller's settings again.
#pragma once

namespace pactflow::pg {

// SET LOCAL search_path = pg_catalog, pg_temp (undone when the transaction ends).
void pin_search_path();

}  // namespace pactflow::pg
