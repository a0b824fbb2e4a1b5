\set seed random(1, 1000000)
SELECT wl.publish(:seed);
