/**
 * The types a cell writes its work with, known to every layer: the function types of tasks ({@link jpool.api.Fn},
 * {@link jpool.api.Call}, {@link jpool.api.Job}, ...) and {@link jpool.api.NotShippable}, the error for a value that
 * cannot travel to a worker. Depends on nothing else in jpool.
 */
package jpool.api;
