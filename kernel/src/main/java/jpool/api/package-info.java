/**
 * The types a cell writes its work with, known to every layer: the function types of tasks ({@link jpool.api.Fn},
 * {@link jpool.api.Call}, {@link jpool.api.Job}, ...) and {@link jpool.api.NotShippable}, the error for a value that
 * cannot travel to a worker; and {@link jpool.api.CellImports}, with which each API package names the types every cell
 * imports. Depends on nothing else in jpool.
 */
@CellImports({"Job", "NotShippable", "JpoolException", "Fn", "Fn2", "Act", "Act2", "Call"})
package jpool.api;
