using System.Runtime.InteropServices;

namespace SharpSR.Distributed.Mpi;

/// <summary>
/// The few calls of Open MPI's C API a data-parallel run needs, bound directly to libmpi.so.40 (Open MPI 4.x / 5.x).
/// Open MPI's predefined handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, …) are addresses of global objects in the
/// library, not integers as in MPICH or MS-MPI, so they are looked up as exported symbols once the library is loaded.
/// Nothing here is touched, and the library never loaded, unless a process was started by mpirun.
/// </summary>
internal static unsafe partial class OpenMpi
{
    private const string Library = "libmpi.so.40";

    public const int Success = 0;
    public const int ThreadSerialized = 2;   // MPI_THREAD_SERIALIZED: one thread at a time calls MPI

    [LibraryImport(Library, EntryPoint = "MPI_Init_thread")]
    public static partial int InitThread(int* argc, byte*** argv, int required, int* provided);

    [LibraryImport(Library, EntryPoint = "MPI_Initialized")]
    public static partial int Initialized(int* flag);

    [LibraryImport(Library, EntryPoint = "MPI_Finalize")]
    public static partial int Finalize();

    [LibraryImport(Library, EntryPoint = "MPI_Abort")]
    public static partial int Abort(nint comm, int errorCode);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_rank")]
    public static partial int CommRank(nint comm, int* rank);

    [LibraryImport(Library, EntryPoint = "MPI_Comm_size")]
    public static partial int CommSize(nint comm, int* size);

    [LibraryImport(Library, EntryPoint = "MPI_Allreduce")]
    public static partial int Allreduce(void* send, void* receive, int count, nint datatype, nint op, nint comm);

    [LibraryImport(Library, EntryPoint = "MPI_Bcast")]
    public static partial int Bcast(void* buffer, int count, nint datatype, int root, nint comm);

    [LibraryImport(Library, EntryPoint = "MPI_Gather")]
    public static partial int Gather(void* send, int sendCount, nint sendType, void* receive, int receiveCount, nint receiveType, int root, nint comm);

    [LibraryImport(Library, EntryPoint = "MPI_Barrier")]
    public static partial int Barrier(nint comm);

    /// <summary>MPI_IN_PLACE is the address (void*)1 in Open MPI's mpi.h.</summary>
    public static readonly void* InPlace = (void*)1;

    /// <summary>The predefined handles, resolved from the loaded library.</summary>
    public sealed class Handles
    {
        public nint CommWorld { get; }
        public nint Float { get; }
        public nint Byte { get; }
        public nint Int64 { get; }
        public nint Sum { get; }

        public Handles()
        {
            nint lib = NativeLibrary.Load(Library, typeof(OpenMpi).Assembly, null);
            CommWorld = NativeLibrary.GetExport(lib, "ompi_mpi_comm_world");
            Float = NativeLibrary.GetExport(lib, "ompi_mpi_float");
            Byte = NativeLibrary.GetExport(lib, "ompi_mpi_byte");
            Int64 = NativeLibrary.GetExport(lib, "ompi_mpi_int64_t");
            Sum = NativeLibrary.GetExport(lib, "ompi_mpi_op_sum");
        }
    }
}
